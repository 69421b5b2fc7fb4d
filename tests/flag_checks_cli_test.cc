// Numbers that steer a decision, checked where they are given (issue 12, item 6): the suite's
// `gate:` keys at load with file:line:column, and every floating-point flag, NaN and the
// infinities included (CLI11's Range alone lets `nan` through).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::RunArbiter;
using testing::TempDir;

TEST(FlagChecksCliTest, FloatFlagsRefuseNanInfinityAndOutOfRange) {
  TempDir dir;
  const std::string gate = "gate --baseline " + (dir.path() / "a").string() + " --candidate " +
                           (dir.path() / "b").string() + " --out " + (dir.path() / "g").string();
  for (const char* value : {"nan", "inf", "-inf", "2", "-0.1"}) {
    auto result = RunArbiter(gate + " --tolerance " + value);
    EXPECT_EQ(result.exit_code, 2) << value;
    EXPECT_THAT(result.err, HasSubstr("--tolerance")) << value;
  }
  EXPECT_THAT(RunArbiter(gate + " --tolerance nan").err, HasSubstr("not a finite number"));
  for (const char* value : {"nan", "inf"}) {
    auto result = RunArbiter(std::string("history --drift ") + value);
    EXPECT_EQ(result.exit_code, 2) << value;
    EXPECT_THAT(result.err, HasSubstr("not a finite number")) << value;
  }
}

TEST(FlagChecksCliTest, AGateToleranceWrittenAsPointsIsRefusedWithAHint) {
  TempDir dir;
  dir.Write("e.yaml", "id: short\nversion: 1\nplugin: length\nparams: {max_chars: 100}\n");
  auto suite = dir.Write("suite.yaml", "name: s\nevaluators: [e.yaml]\ngate: {tolerance: 2}\n");
  auto validate = RunArbiter("validate --suite " + suite.string());
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_THAT(validate.err, HasSubstr(suite.string() +
                                      ":3:19: gate.tolerance must be a fraction in [0, 1], got 2 "
                                      "(tolerance is a fraction: 0.02 is 2 points)"));
  dir.Write("suite.yaml", "name: s\nevaluators: [e.yaml]\ngate: {gate_mcc: .nan}\n");
  validate = RunArbiter("validate --suite " + suite.string());
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_THAT(validate.err,
              HasSubstr(":3:18: gate.gate_mcc must be a number in [-1, 1], got .nan"));
}

}  // namespace
}  // namespace arbiter

namespace arbiter {
namespace {

// Issue 16, messages: an output path that cannot be written is a usage error found before the
// work (exit 2), and an empty --out never writes into the working folder.
TEST(FlagChecksCliTest, OutputPathsOfTheWrongKindAreUsageErrors) {
  TempDir dir;
  auto traces = dir.Write("t.jsonl", "{\"trace_id\":\"a\",\"output\":\"hi\"}\n");
  auto file = dir.Write("file", "x");
  const std::string run = "run -s evaluators/suites/demo-no-lua.yaml -t " + traces.string();
  for (const std::string& out : {std::string("''"), file.string()}) {
    auto result = RunArbiter(run + " -o " + out);
    EXPECT_EQ(result.exit_code, 2) << out << "\n" << result.err;
    EXPECT_THAT(result.err, HasSubstr("--out")) << out;
  }
  EXPECT_THAT(RunArbiter(run + " -o " + file.string()).err,
              HasSubstr("is a file; --out names a folder"));
  for (const char* command : {"redact", "triage"}) {
    auto result =
        RunArbiter(std::string(command) + " -t " + traces.string() + " -o " + dir.path().string());
    EXPECT_EQ(result.exit_code, 2) << command << "\n" << result.err;
    EXPECT_THAT(result.err, HasSubstr("is a folder; --out names a file")) << command;
  }
  EXPECT_FALSE(std::filesystem::exists("scorecard.json"));
}

// A folder given as traces says so; a pipe (bash's <(...), a FIFO) is read, by run and by
// triage, which reads its input twice and keeps a copy of a pipe from the first read.
TEST(FlagChecksCliTest, AFolderIsNamedAndAPipeIsRead) {
  TempDir dir;
  auto folder = RunArbiter("run -s evaluators/suites/demo-no-lua.yaml -t " + dir.path().string() +
                           " -o " + (dir.path() / "out").string());
  EXPECT_EQ(folder.exit_code, 2);
  EXPECT_THAT(folder.err, HasSubstr("is a folder, not a trace file"));

  auto lines =
      dir.Write("lines.jsonl", "{\"trace_id\":\"a\",\"output\":\"hi\"}\n{\"trace_id\":\"b\"}\n");
  auto queue = dir.path() / "queue.jsonl";
  auto log = dir.path() / "triage.log";
  std::string command =
      "bash -c 'cd \"$ARBITER_SOURCE_DIR\" && \"$ARBITER_BIN\" triage --top 10 -t <(cat " +
      lines.string() + ") -o " + queue.string() + " 2>" + log.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  EXPECT_THAT(testing::ReadFile(log), HasSubstr("2 traces read, 0 skipped"));

  auto scored = dir.path() / "run";
  command =
      "bash -c 'cd \"$ARBITER_SOURCE_DIR\" && \"$ARBITER_BIN\" run -s "
      "evaluators/suites/demo-no-lua.yaml -q -t <(cat " +
      lines.string() + ") -o " + scored.string() + " 2>/dev/null'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  EXPECT_THAT(testing::ReadFile(scored / "scores.jsonl"), HasSubstr("\"trace_id\": \"b\""));
}

}  // namespace
}  // namespace arbiter
