// Atomic outputs: published whole, and temporary files of killed processes cleaned up.
#include "runner/base/atomic_file.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
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

// `--out` naming a link writes the file it points to; naming a named pipe (or a device, such as
// /dev/full, which `redact -o /dev/full` once replaced with a regular file) is refused before
// anything is written, and the pipe stays a pipe. No test here names a real device: if the check
// failed, the rename would replace it.
TEST(AtomicFileTest, ALinkIsFollowedAndAPipeOrAFolderIsRefused) {
  TempDir dir;
  auto real = dir.Write("real.jsonl", "old\n");
  auto link = dir.path() / "link.jsonl";
  std::filesystem::create_symlink(real, link);
  ASSERT_TRUE(WriteFileAtomic(link, "new\n").ok());
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(ReadFile(real), "new\n");

  auto pipe = dir.path() / "pipe";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  auto pipe_link = dir.path() / "pipe-link";
  std::filesystem::create_symlink(pipe, pipe_link);
  for (const auto& path : {pipe, pipe_link}) {
    Status status = WriteFileAtomic(path, "x\n");
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << path;
    EXPECT_THAT(status.message(), HasSubstr(path.string() + ": is a named pipe; "));
    EXPECT_TRUE(std::filesystem::is_fifo(pipe));
  }
  Status folder = WriteFileAtomic(dir.path(), "x\n");
  EXPECT_THAT(folder.message(), HasSubstr(": is a folder; "));
  Status dash = WriteFileAtomic("-", "x\n");
  EXPECT_EQ(dash.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(dash.message(), HasSubstr("not to standard output"));
  EXPECT_FALSE(std::filesystem::exists("-"));
}

}  // namespace
}  // namespace arbiter
