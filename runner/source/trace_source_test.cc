// The up-front check of the trace files a command is given: every command that reads traces
// calls it, so its message and its code (a usage error) are pinned here once.
#include "runner/source/trace_source.h"

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
  EXPECT_EQ(status.message(), dir.path().string() + ": no such trace file");
}

}  // namespace
}  // namespace arbiter
