// Runs the real `arbiter` binary (ARBITER_BIN, set by CTest) for integration tests.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/wait.h>

#include "tests/test_util.h"

namespace arbiter::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

inline std::string ArbiterBin() {
  const char* bin = std::getenv("ARBITER_BIN");
  return bin ? bin : "build/runner/arbiter";
}

// Runs `arbiter ARGS` through the shell from the working directory (the source root under
// CTest). `args` is shell text, so tests can redirect stdin.
inline CommandResult RunArbiter(const std::string& args) {
  TempDir capture;
  std::string out = (capture.path() / "out").string();
  std::string err = (capture.path() / "err").string();
  std::string command = ArbiterBin() + " " + args + " >" + out + " 2>" + err;
  int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  return result;
}

}  // namespace arbiter::testing
