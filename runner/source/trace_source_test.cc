// The up-front check of the trace files a command is given: every command that reads traces
// calls it, so its message and its code (a usage error) are pinned here once.
#include "runner/source/trace_source.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::TempDir;

TEST(CheckTraceFilesTest, ExistingFilesAndStandardInputPass) {
  TempDir dir;
  std::string file = dir.Write("traces.jsonl", "{}\n").string();
  EXPECT_TRUE(CheckTraceFiles({}).ok());
  EXPECT_TRUE(CheckTraceFiles({file, "-"}).ok());
}

TEST(CheckTraceFilesTest, NamesTheFirstMissingFile) {
  TempDir dir;
  std::string file = dir.Write("traces.jsonl", "{}\n").string();
  std::string missing = (dir.path() / "nope.jsonl").string();
  Status status = CheckTraceFiles({file, missing, (dir.path() / "other.jsonl").string()});
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message(), missing + ": no such trace file");
}

TEST(CheckTraceFilesTest, AFolderIsNotATraceFile) {
  TempDir dir;
  Status status = CheckTraceFiles({dir.path().string()});
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message(), dir.path().string() +
                                  ": is a folder, not a trace file (give the files in it, e.g. " +
                                  dir.path().string() + "/*.jsonl)");
}

TEST(CheckTraceFilesTest, APipeIsATraceFileReadOnce) {
  TempDir dir;
  std::string fifo = (dir.path() / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_TRUE(CheckTraceFiles({fifo, "-"}).ok());
  EXPECT_TRUE(IsStreamInput(fifo));
  EXPECT_TRUE(IsStreamInput("-"));
  EXPECT_FALSE(IsStreamInput(dir.Write("t.jsonl", "{}\n").string()));
}

}  // namespace
}  // namespace arbiter
