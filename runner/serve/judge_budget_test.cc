#include "runner/serve/judge_budget.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

LoadedEvaluator Declared(const std::string& plugin, const std::string& params,
                         const std::string& skipped = "") {
  LoadedEvaluator evaluator;
  evaluator.spec.plugin = plugin;
  evaluator.spec.params = YAML::Load(params);
  evaluator.skipped = skipped;
  return evaluator;
}

TEST(JudgeBudgetTest, ATraceCostsTheSamplesOfEachJudgeThatRuns) {
  Suite suite;
  EXPECT_EQ(JudgeCallsPerTrace(suite), 0u);
  suite.evaluators.push_back(Declared("regex", "{pattern: x}"));
  EXPECT_EQ(JudgeCallsPerTrace(suite), 0u);
  suite.evaluators.push_back(Declared("llm_judge", "{model: m}"));  // samples: 1 by default
  suite.evaluators.push_back(Declared("llm_judge", "{model: m, samples: 3}"));
  EXPECT_EQ(JudgeCallsPerTrace(suite), 4u);
  // Without its key a judge is skipped and calls nothing.
  suite.evaluators.push_back(Declared("llm_judge", "{samples: 5}", "OPENAI_API_KEY is not set"));
  EXPECT_EQ(JudgeCallsPerTrace(suite), 4u);
}

TEST(JudgeBudgetTest, AWindowGetsItsShareOfTheHourRoundedDown) {
  EXPECT_EQ(WindowAllowance(100, 3600000), 100u);
  EXPECT_EQ(WindowAllowance(100, 600000), 16u);  // 10 minutes: 16.67
  EXPECT_EQ(WindowAllowance(7200, 2000), 4u);
  // A partial window closed by a shutdown after 1.3 s of a 2 s window.
  EXPECT_EQ(WindowAllowance(7200, 1300), 2u);
  EXPECT_EQ(WindowAllowance(7200, 0), 0u);
  // No overflow: a huge budget over a day, and one past what 64 bits hold.
  EXPECT_EQ(WindowAllowance(uint64_t{1} << 50, 86400000), (uint64_t{1} << 50) * 24);
  EXPECT_EQ(WindowAllowance(UINT64_MAX, 86400000), UINT64_MAX);
}

TEST(JudgeBudgetTest, TracesAreTakenInOrderWhileTheyFit) {
  // The carried traces come first in the input, so they are scored first.
  BudgetSplit split = SplitByBudget({2, 2, 2, 2, 2}, 7);
  EXPECT_EQ(split.chosen, 3u);
  EXPECT_EQ(split.charged, 6u);
  // Exactly at the allowance.
  split = SplitByBudget({2, 2, 2}, 6);
  EXPECT_EQ(split.chosen, 3u);
  EXPECT_EQ(split.charged, 6u);
  // The first trace that does not fit stops the take, even when a cheaper one after it would:
  // what is carried stays oldest first.
  split = SplitByBudget({1, 3, 0, 1}, 2);
  EXPECT_EQ(split.chosen, 1u);
  EXPECT_EQ(split.charged, 1u);
  // A suite without a judge costs nothing: everything fits, even with no allowance.
  split = SplitByBudget({0, 0, 0}, 0);
  EXPECT_EQ(split.chosen, 3u);
  EXPECT_EQ(split.charged, 0u);
  split = SplitByBudget({2, 2}, 0);
  EXPECT_EQ(split.chosen, 0u);
  EXPECT_EQ(split.charged, 0u);
  split = SplitByBudget({}, 10);
  EXPECT_EQ(split.chosen, 0u);
}

TEST(JudgeBudgetTest, AWindowScoresWhatTheWindowBeforeCarriedFirst) {
  WindowInput input = SplitWindow({"c1", "c2"}, {"s1", "s2", "s3"}, 2, 6);
  EXPECT_EQ(input.scored, (std::vector<std::string>{"c1", "c2", "s1"}));
  EXPECT_EQ(input.carried, (std::vector<std::string>{"s2", "s3"}));
  EXPECT_EQ(input.carried_in, 2u);
  EXPECT_EQ(input.charged, 6u);
  // A short allowance scores part of the carried traces and carries the rest ahead of the sample.
  input = SplitWindow({"c1", "c2"}, {"s1"}, 2, 3);
  EXPECT_EQ(input.scored, (std::vector<std::string>{"c1"}));
  EXPECT_EQ(input.carried, (std::vector<std::string>{"c2", "s1"}));
  EXPECT_EQ(input.charged, 2u);
  // A partial window of 1.3 s out of 2 s at 7200 calls per hour: 2 calls, one trace of cost 2.
  input = SplitWindow({}, {"s1", "s2"}, 2, WindowAllowance(7200, 1300));
  EXPECT_EQ(input.scored, (std::vector<std::string>{"s1"}));
  EXPECT_EQ(input.carried, (std::vector<std::string>{"s2"}));
  // No budget: everything, the carried traces first.
  input = SplitWindow({"c1"}, {"s1", "s2"}, 2, std::nullopt);
  EXPECT_EQ(input.scored, (std::vector<std::string>{"c1", "s1", "s2"}));
  EXPECT_TRUE(input.carried.empty());
  EXPECT_EQ(input.charged, 6u);
}

}  // namespace
}  // namespace arbiter
