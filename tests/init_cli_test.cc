// `arbiter init` (issue 15, item 9): the starter project it writes is accepted at once by
// validate, run and sample, its evaluators each judge something and fail what they should, and
// a second init into the same folder writes nothing.
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

TEST(InitCliTest, TheStarterProjectValidatesRunsAndSamples) {
  TempDir dir;
  const std::string project = (dir.path() / "evals").string();
  auto init = RunArbiter("init " + project);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_THAT(init.out, HasSubstr("wrote " + project + "/evaluators/suite.yaml"));
  EXPECT_THAT(init.out, HasSubstr("cd " + project + " && arbiter validate"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "evals/.github/workflows/arbiter.yml"));

  const std::string suite = project + "/evaluators/suite.yaml";
  const std::string traces = project + "/traces/sample.jsonl";
  auto validate = RunArbiter("validate --suite " + suite + " --traces " + traces);
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
  EXPECT_THAT(validate.err, Not(HasSubstr("warning")));

  const std::string out = (dir.path() / "run").string();
  auto run = RunArbiter("run --strict --suite " + suite + " --traces " + traces + " --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto scorecard = nlohmann::json::parse(ReadFile(dir.path() / "run/scorecard.json"));
  ASSERT_EQ(scorecard["evaluators"].size(), 3u);
  // Each evaluator fails exactly the trace written to fail it (t-5 has no answer: an error).
  for (const auto& evaluator : scorecard["evaluators"]) {
    SCOPED_TRACE(evaluator.dump());
    EXPECT_EQ(evaluator["errors"], 1);
    EXPECT_EQ(evaluator["n"], 5);
    const std::string id = evaluator["id"];
    EXPECT_DOUBLE_EQ(evaluator["pass_rate"].get<double>(), id == "answer-length" ? 1.0 : 0.8);
  }
  std::string scores = ReadFile(dir.path() / "run/scores.jsonl");
  EXPECT_THAT(scores, HasSubstr("matched 'billing@example.com'"));
  EXPECT_THAT(scores, HasSubstr("ends mid-sentence: ...bank releases within"));

  auto sample = RunArbiter("sample --policy " + project + "/sample-policy.yaml --traces " + traces +
                           " --out " + (dir.path() / "sample.jsonl").string());
  EXPECT_EQ(sample.exit_code, 0) << sample.err;
  EXPECT_THAT(ReadFile(dir.path() / "sample.jsonl"), HasSubstr("\"_sample\""));
}

TEST(InitCliTest, ASecondInitOverwritesNothing) {
  TempDir dir;
  const std::string project = dir.path().string();
  ASSERT_EQ(RunArbiter("init " + project).exit_code, 0);
  dir.Write("evaluators/no-email.yaml", "mine");
  auto again = RunArbiter("init " + project);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("would overwrite " + project + "/evaluators/suite.yaml"));
  EXPECT_THAT(again.err, HasSubstr("nothing was written"));
  EXPECT_EQ(ReadFile(dir.path() / "evaluators/no-email.yaml"), "mine");
}

}  // namespace
}  // namespace arbiter
