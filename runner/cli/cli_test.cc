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
  EXPECT_EQ(ExitCodeFor(Status::IoError("t.jsonl:2: not valid JSON (--strict)")), kExitRuntime);
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

// CLI11's Range lets "nan" through; every float flag checks FiniteNumber first.
TEST(FiniteNumberTest, RefusesNanInfinitiesAndText) {
  CLI::Validator finite = FiniteNumber();
  for (std::string ok : {"0", "0.02", "-1", "1e-3", "2"}) {
    EXPECT_EQ(finite(ok), "") << ok;
  }
  for (std::string bad :
       {"nan", "NaN", "-nan", "inf", "-inf", "infinity", "1e999", "", "0.5x", "two"}) {
    EXPECT_NE(finite(bad), "") << bad;
  }
  CLI::App app;
  double tolerance = 0;
  app.add_option("--tolerance", tolerance)->check(FiniteNumber())->check(CLI::Range(0.0, 1.0));
  EXPECT_THROW(app.parse(std::vector<std::string>{"nan", "--tolerance"}), CLI::ValidationError);
  app.parse(std::vector<std::string>{"0.5", "--tolerance"});
  EXPECT_EQ(tolerance, 0.5);
}

}  // namespace
}  // namespace arbiter
