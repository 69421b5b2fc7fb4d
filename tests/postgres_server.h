// A throwaway PostgreSQL server for integration tests: initdb in a temporary folder, listening
// on a Unix socket in that folder only (no TCP port), stopped and removed by the destructor.
// PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

#include "tests/test_util.h"

namespace arbiter::testing {

class PostgresServer {
 public:
  // Starts the server; on failure `error()` says why (no binaries: the test skips).
  PostgresServer() {
    bin_ = FindBinaries();
    if (bin_.empty()) {
      error_ = "PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql";
      return;
    }
    namespace fs = std::filesystem;
    fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_exec |
                                     fs::perms::others_exec);  // the postgres user passes
    if (geteuid() == 0 && std::system(("chown postgres " + Quoted(dir_.path())).c_str()) != 0) {
      error_ = "running as root and cannot hand the data folder to the postgres user";
      return;
    }
    std::string data = Quoted(dir_.path() / "data");
    std::string log = Quoted(dir_.path() / "server.log");
    // No fsync anywhere: a test server's data need not survive a power cut, and syncing costs
    // seconds per test.
    if (!Run("initdb -D " + data + " -U postgres -A trust --no-sync >/dev/null")) {
      error_ = "initdb failed";
      return;
    }
    if (!Run("pg_ctl -D " + data + " -l " + log + " -w -o \"-k " + dir_.path().string() +
             " -c listen_addresses='' -c fsync=off\" start >/dev/null")) {
      error_ = "pg_ctl start failed: " + ReadFile(dir_.path() / "server.log");
      return;
    }
    started_ = true;
  }
  ~PostgresServer() {
    if (started_) Run("pg_ctl -D " + Quoted(dir_.path() / "data") + " -m fast -w stop >/dev/null");
  }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  bool ok() const { return started_; }
  // No server binaries on this machine: the tests skip (CI installs them with setup.sh).
  bool missing() const { return bin_.empty(); }
  const std::string& error() const { return error_; }

  // Creates database `name`; returns its URL as the superuser `postgres` over the socket.
  std::string CreateDatabase(const std::string& name) const {
    if (!Run("createdb -h " + Quoted(dir_.path()) + " -U postgres " + name)) return "";
    return Url(name);
  }
  // The URL of database `name` as `user` (with `password`, when given).
  std::string Url(const std::string& name, const std::string& user = "postgres",
                  const std::string& password = "") const {
    return "postgresql://" + user + (password.empty() ? "" : ":" + password) + "@/" + name +
           "?host=" + dir_.path().string();
  }

 private:
  static std::string Quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

  // The newest /usr/lib/postgresql/N/bin (Debian keeps the server off PATH), else PATH.
  static std::filesystem::path FindBinaries() {
    namespace fs = std::filesystem;
    std::string newest;  // a version folder: "15"; longer is newer, then by text
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
      std::string version = entry.path().filename().string();
      if (fs::exists(entry.path() / "bin" / "initdb") &&
          std::make_pair(version.size(), version) > std::make_pair(newest.size(), newest)) {
        newest = version;
      }
    }
    if (!newest.empty()) return fs::path("/usr/lib/postgresql") / newest / "bin";
    if (std::system("command -v initdb >/dev/null 2>&1") == 0) return ".";
    return {};
  }

  // Runs a server tool as the user the server runs as.
  bool Run(const std::string& command) const {
    std::string tool = bin_ == "." ? command : (bin_ / command).string();
    std::string as = geteuid() == 0 ? "runuser -u postgres -- " : "";
    return std::system((as + tool).c_str()) == 0;
  }

  TempDir dir_;
  std::filesystem::path bin_;
  std::string error_;
  bool started_ = false;
};

}  // namespace arbiter::testing
