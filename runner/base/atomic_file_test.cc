// Atomic outputs: published whole, and temporary files of killed processes cleaned up.
#include "runner/base/atomic_file.h"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::ReadFile;
using testing::TempDir;

// The id of a process that has exited and been reaped.
pid_t DeadPid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

TEST(AtomicFileTest, StaleTempsOfGoneProcessesAreRemoved) {
  // A run killed with -9 left scores.jsonl.tmp.PID behind, and every later run kept it.
  TempDir dir;
  auto stale = dir.Write("scores.jsonl.tmp." + std::to_string(DeadPid()), "half a run");
  auto live = dir.Write("scores.jsonl.tmp." + std::to_string(::getppid()), "a run in progress");
  auto other = dir.Write("other.jsonl.tmp.1", "not ours");
  ASSERT_TRUE(WriteFileAtomic(dir.path() / "scores.jsonl", "new\n").ok());
  EXPECT_EQ(ReadFile(dir.path() / "scores.jsonl"), "new\n");
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(live));
  EXPECT_TRUE(std::filesystem::exists(other));
}

}  // namespace
}  // namespace arbiter
