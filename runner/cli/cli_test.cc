// How a failed Status becomes what the user sees: every command reports through Fail, so the
// exit code of each kind of error (SPEC "Commands") is pinned here once.
#include "runner/cli/cli.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

TEST(ExitCodeForTest, InputsTheUserMustChangeAreUsageErrors) {
  EXPECT_EQ(ExitCodeFor(Status::InvalidArgument("suite.yaml:3:5: unknown key")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(Status::NotFound("runs/a: not a run's output")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(Status::Corruption("labels.jsonl: sha256 mismatch")), kExitUsage);
}

TEST(ExitCodeForTest, FailuresOfTheWorkAreRuntimeErrors) {
  EXPECT_EQ(ExitCodeFor(Status::IoError("out/scores.jsonl: write failed")), kExitRuntime);
  EXPECT_EQ(ExitCodeFor(Status::Internal("plugin 'x' returned NaN")), kExitRuntime);
  EXPECT_EQ(ExitCodeFor(Status::IoError("t.jsonl:2: invalid JSON (--strict)")), kExitRuntime);
}

TEST(ExitCodeForTest, OkIsSuccess) { EXPECT_EQ(ExitCodeFor(Status::OK()), kExitOk); }

TEST(FailTest, PrintsTheCommandAndTheMessageAndReturnsTheExitCode) {
  ::testing::internal::CaptureStderr();
  int code = Fail("run", Status::InvalidArgument("t.jsonl: no such trace file"));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "arbiter run: t.jsonl: no such trace file\n");
  EXPECT_EQ(code, kExitUsage);

  ::testing::internal::CaptureStderr();
  code = Fail("gate", Status::IoError("out/gate.md: cannot write"));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "arbiter gate: out/gate.md: cannot write\n");
  EXPECT_EQ(code, kExitRuntime);
}

}  // namespace
}  // namespace arbiter
