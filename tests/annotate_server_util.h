// Starts the real `arbiter annotate` in the background for the annotation tests and reads the URL
// it prints; Kill sends a signal (SIGKILL for the "nothing lost" tests).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli_util.h"

extern char** environ;

namespace arbiter::testing {

class AnnotateServer {
 public:
  // Runs `arbiter annotate ARGS --port 0` with stdout and stderr in `dir`; waits up to 20 s for
  // the URL. ok() is false when the process ended first (its stderr says why).
  AnnotateServer(const std::filesystem::path& dir, const std::vector<std::string>& args)
      : out_(dir / ("server-" + std::to_string(++Count()) + ".out")),
        err_(dir / ("server-" + std::to_string(Count()) + ".err")) {
    std::vector<std::string> argv = {ArbiterBin(), "annotate"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--port");
    argv.push_back("0");
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    for (int i = 0; i < 400 && pid_ > 0; ++i) {
      std::string text = ReadFile(out_);
      size_t at = text.find("http://");
      size_t end = text.find('\n', at);
      if (at != std::string::npos && end != std::string::npos) {
        url_ = text.substr(at, end - at);
        size_t token = url_.find("?token=");
        base_ = url_.substr(0, url_.find('/', 7));
        token_ = url_.substr(token + 7);
        size_t colon = base_.rfind(':');
        port_ = std::stoi(base_.substr(colon + 1));
        return;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~AnnotateServer() { Kill(SIGKILL); }

  bool ok() const { return !url_.empty(); }
  int exit_code() const { return exit_code_; }
  pid_t pid() const { return pid_; }
  const std::string& url() const { return url_; }
  const std::string& base() const { return base_; }  // http://127.0.0.1:PORT
  const std::string& token() const { return token_; }
  int port() const { return port_; }
  std::string err() const { return ReadFile(err_); }

  // Sends `signal` and reaps the process; the exit code, or -signal when it was killed.
  int Kill(int signal) {
    if (pid_ <= 0) return exit_code_;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return exit_code_;
  }

 private:
  static int& Count() {
    static int count = 0;
    return count;
  }
  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string url_, base_, token_;
  int port_ = 0;
};

}  // namespace arbiter::testing
