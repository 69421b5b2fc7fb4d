// Issue 15: `arbiter run`'s progress display, seen as a user sees it: the real binary on a
// pseudo-terminal, against the loopback judge slowed down, with every redraw timed. A judge run
// must never look hung (a redraw at least every second while calls are out), must show the share
// read, the time left and the judge's calls and cost, and must end with a summary line. In a
// pipe the display stays off.
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli_util.h"
#include "tests/judge_server/judge_server.h"

namespace arbiter::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What a redraw starts with: back to the start of the line, which is then cleared.
constexpr char kRedraw[] = "\r\033[K";

struct PtyRun {
  int exit_code = -1;
  std::string output;  // everything the terminal received
  // Each redraw's text and when it arrived (seconds since the start).
  struct Redraw {
    double at = 0;
    std::string text;
  };
  std::vector<Redraw> redraws;
};

// Runs `arbiter ARGS...` with stdin, stdout and stderr on a pseudo-terminal `columns` wide.
PtyRun RunOnPty(const std::vector<std::string>& args, int columns, double timeout_s = 30) {
  PtyRun run;
  winsize size{};
  size.ws_row = 40;
  size.ws_col = static_cast<unsigned short>(columns);
  int master = -1;
  pid_t child = forkpty(&master, nullptr, nullptr, &size);
  if (child < 0) {
    ADD_FAILURE() << "forkpty failed";
    return run;
  }
  if (child == 0) {
    std::string bin = ArbiterBin();
    std::vector<char*> argv = {bin.data()};
    std::vector<std::string> copies = args;
    for (std::string& arg : copies) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // Bytes of a redraw not yet complete in what was read so far.
  size_t parsed = 0;
  while (seconds() < timeout_s) {
    pollfd fd{master, POLLIN, 0};
    if (poll(&fd, 1, 100) <= 0) continue;
    char buffer[4096];
    ssize_t n = read(master, buffer, sizeof buffer);
    if (n <= 0) break;  // EIO: the child closed the terminal (it ended)
    run.output.append(buffer, static_cast<size_t>(n));
    double now = seconds();
    // A redraw is complete once the next control sequence or line end has arrived.
    for (size_t at; (at = run.output.find(kRedraw, parsed)) != std::string::npos;) {
      size_t text = at + sizeof kRedraw - 1;
      size_t end = run.output.find_first_of("\r\n", text);
      if (end == std::string::npos) break;
      if (end > text) run.redraws.push_back({now, run.output.substr(text, end - text)});
      parsed = end;
    }
  }
  if (seconds() >= timeout_s) kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(master);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// The first `n` lines of the demo traces.
std::string DemoSubset(const TempDir& dir, int n) {
  std::ifstream in("datasets/demo/traces.jsonl");
  std::string line, text;
  for (int i = 0; i < n && std::getline(in, line); ++i) text += line + "\n";
  return dir.Write("traces.jsonl", text).string();
}

TEST(ProgressPtyTest, ASlowJudgeRunRedrawsEverySecondWithItsCallsAndCost) {
  // 400 ms an answer and 16 calls in flight: about 3 s for the ~120 calls of 60 traces.
  JudgeServerOptions options;
  options.latency_ms = 400;
  JudgeServer server(options);
  ASSERT_TRUE(server.ok());
  setenv("JUDGE_BASE_URL", server.openai_base_url().c_str(), 1);
  setenv("OPENAI_API_KEY", "sk-progress-pty-test-key", 1);
  TempDir dir;
  std::string traces = DemoSubset(dir, 60);
  PtyRun run = RunOnPty({"run", "--suite", "evaluators/suites/judge.yaml", "--traces", traces,
                         "--out", (dir.path() / "out").string(), "--no-cache", "--threads", "2"},
                        200);
  unsetenv("JUDGE_BASE_URL");
  unsetenv("OPENAI_API_KEY");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_GT(server.requests(), 50);

  std::vector<PtyRun::Redraw> scoring;
  for (const auto& redraw : run.redraws) {
    if (redraw.text.starts_with("scoring")) scoring.push_back(redraw);
  }
  ASSERT_GE(scoring.size(), 2u) << run.output;
  // Never frozen: the judge answers in batches of 16 every 400 ms, the line moves in between.
  double longest = 0;
  for (size_t i = 1; i < scoring.size(); ++i) {
    longest = std::max(longest, scoring[i].at - scoring[i - 1].at);
  }
  double span = scoring.back().at - scoring.front().at;
  EXPECT_GT(span, 1.5) << "the run was expected to take seconds";
  EXPECT_LE(longest, 1.0) << run.output;
  EXPECT_GE(static_cast<double>(scoring.size()), span) << "at least one redraw a second";

  // The share read and the time left, and the judge's calls in flight and cost.
  const std::regex share(R"(scoring +[0-9]+% \[[#.]+\] .* of .*ETA )");
  const std::regex in_flight(R"(judge: [1-9][0-9]* in flight, [0-9]+ done, [0-9]+ retried, )"
                             R"([0-9]+ rate-limited, [0-9]+ failed, \$[0-9.]+)");
  bool saw_share = false, saw_in_flight = false;
  for (const auto& redraw : scoring) {
    saw_share = saw_share || std::regex_search(redraw.text, share);
    saw_in_flight = saw_in_flight || std::regex_search(redraw.text, in_flight);
  }
  EXPECT_TRUE(saw_share) << run.output;
  EXPECT_TRUE(saw_in_flight) << run.output;
  EXPECT_THAT(run.output, HasSubstr("writing outputs..."));

  // The summary stays, on a line of its own, before the usual report.
  std::smatch summary;
  ASSERT_TRUE(std::regex_search(
      run.output, summary,
      std::regex(R"(\x1b\[Kdone: [0-9.]+ kB, 60 traces in [0-9.]+ s \([0-9]+ traces/s\); judge: )"
                 R"(([0-9]+) done, 0 retried, 0 rate-limited, 0 failed, \$0\.[0-9]{4}\r\n)")))
      << run.output;
  EXPECT_EQ(std::stoll(summary[1]), server.requests());
  EXPECT_THAT(run.output, HasSubstr("scored 60 traces"));
}

TEST(ProgressPtyTest, QuietOrAPipeShowsNoDisplay) {
  TempDir dir;
  std::string traces = DemoSubset(dir, 300);
  PtyRun quiet = RunOnPty({"run", "--suite", "evaluators/suites/demo.yaml", "--traces", traces,
                           "--out", (dir.path() / "quiet").string(), "--quiet"},
                          120);
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_THAT(quiet.output, Not(HasSubstr(kRedraw)));
  EXPECT_THAT(quiet.output, Not(HasSubstr("done: ")));
  EXPECT_THAT(quiet.output, HasSubstr("scored 300 traces"));

  CommandResult piped = RunArbiter("run --suite evaluators/suites/demo.yaml --traces " + traces +
                                   " --out " + (dir.path() / "piped").string());
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_THAT(piped.err, Not(HasSubstr("\r")));
  EXPECT_THAT(piped.err, Not(HasSubstr("done: ")));
  EXPECT_THAT(piped.err, HasSubstr("scored 300 traces"));

  // On a terminal, a run without a judge still ends with the summary (no judge part).
  PtyRun shown = RunOnPty({"run", "--suite", "evaluators/suites/demo.yaml", "--traces", traces,
                           "--out", (dir.path() / "shown").string()},
                          120);
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_THAT(shown.output, HasSubstr("done: "));
  EXPECT_THAT(shown.output, Not(HasSubstr("judge:")));
}

}  // namespace
}  // namespace arbiter::testing
