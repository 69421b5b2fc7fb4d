// The sampling planner: targets from a wanted Wilson half-width, the split between failures and
// other traces, and the budget (long tail first).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "runner/sampling/plan.h"
#include "runner/sampling/policy.h"
#include "runner/sampling/policy_test_util.h"

namespace arbiter {
namespace {

using testing::Policy;

std::pair<uint64_t, uint64_t> Split(uint64_t failures, uint64_t others) {
  return {failures, others};
}

std::map<std::string, uint64_t> Samples(const SamplePlan& plan) {
  std::map<std::string, uint64_t> samples;
  for (const StratumPlan& stratum : plan.strata) samples[stratum.key] = stratum.sample;
  return samples;
}

TEST(SplitTargetTest, OversamplesFailuresAndFillsShortCells) {
  // Hand-computed: 4*50 / (4*50 + 950) * 100 = 17.39 -> 17 failures, 83 others.
  EXPECT_EQ(SplitTarget(100, 50, 950, 4), Split(17, 83));
  // Everything fits: all of both cells.
  EXPECT_EQ(SplitTarget(100, 30, 40, 4), Split(30, 40));
  // 4*10 / (40 + 20) * 25 = 16.7 -> 17, but only 10 failures: the other 15 go to the others.
  EXPECT_EQ(SplitTarget(25, 10, 20, 4), Split(10, 15));
  // 1*100 / 102 * 50 = 49.02 -> 49 failures; 1 other.
  EXPECT_EQ(SplitTarget(50, 100, 2, 1), Split(49, 1));
  EXPECT_EQ(SplitTarget(0, 10, 10, 4), Split(0, 0));
}

TEST(SplitTargetTest, NoNonEmptyCellIsLeftOutOnceTheTargetAllowsIt) {
  // 4*1 / (4 + 10000) * 10 = 0.004 rounds to 0, but the failure cell must be represented.
  EXPECT_EQ(SplitTarget(10, 1, 10000, 4), Split(1, 9));
  // The other way round: 2 of 2 would go to failures; one other stays.
  EXPECT_EQ(SplitTarget(2, 1000, 1, 4), Split(1, 1));
  // A target of 1 cannot cover two cells.
  EXPECT_EQ(SplitTarget(1, 1000, 1000, 4), Split(1, 0));
}

TEST(HalfWidthTest, SampleSizeIsTheFirstThatReachesTheHalfWidth) {
  // Reference values: the smallest n with z/(1+z^2/n) * sqrt(p(1-p)/n + z^2/(4n^2)) <= h,
  // z = 1.959963984540054, found by counting n up in Python.
  EXPECT_EQ(SampleSizeForHalfWidth(0.05, 0.5), 381u);
  EXPECT_EQ(SampleSizeForHalfWidth(0.05, 0.1), 141u);
  EXPECT_EQ(SampleSizeForHalfWidth(0.1, 0.2), 60u);
  EXPECT_EQ(SampleSizeForHalfWidth(0.01, 0.02), 792u);
  EXPECT_NEAR(WilsonHalfWidth(0.5, 381), 0.049954793634982, 1e-12);
  EXPECT_GT(WilsonHalfWidth(0.5, 380), 0.05);
  EXPECT_EQ(WilsonHalfWidth(0.5, 0), 0.5);  // no data: the whole [0, 1]
}

TEST(SamplePolicyTest, HalfWidthTargetsDeriveTheDefault) {
  SamplePolicy policy = Policy("targets: {half_width: 0.05, expected_rate: 0.1, \"vip\": 7}\n");
  EXPECT_EQ(policy.DefaultTarget(), 141u);
  EXPECT_EQ(policy.TargetFor("anything"), 141u);
  EXPECT_EQ(policy.TargetFor("vip"), 7u);
  // Without an expected rate the worst case, 0.5.
  EXPECT_EQ(Policy("targets: {half_width: 0.05}\n").DefaultTarget(), 381u);
}

TEST(SamplePolicyTest, OtlpAttributeMapIsReadForTheOtlpInputs) {
  SamplePolicy policy =
      Policy("targets: {default: 3}\notlp: {attribute_map: {app.intent: metadata.intent}}\n");
  EXPECT_EQ(policy.otlp.attribute_map.at("app.intent"), "metadata.intent");
  EXPECT_TRUE(Policy("targets: {default: 3}\n").otlp.attribute_map.empty());
}

TEST(SamplePlanTest, WithoutABindingBudgetEveryStratumGetsItsTargetCappedByPopulation) {
  SamplePolicy policy = Policy("targets: {default: 100, budget: 1000}\n");
  SamplePlan plan = MakeSamplePlan(policy, {{"a", 10, 500}, {"b", 0, 40}}, {});
  EXPECT_FALSE(plan.budget_binds);
  EXPECT_EQ(Samples(plan), (std::map<std::string, uint64_t>{{"a", 100}, {"b", 40}}));
  EXPECT_EQ(plan.total, 140u);
  EXPECT_EQ(plan.strata[0].wanted, 100u);
  EXPECT_EQ(plan.strata[1].wanted, 40u);
  EXPECT_EQ(plan.cells_left_out, 0u);
}

TEST(SamplePlanTest, ABindingBudgetShrinksTheLongTailFirst) {
  // Wanted: 100 + 100 + 50 + 30 + 5 = 285 against a budget of 200. Every stratum first gets the
  // floor of 2 (10 in all), then the rest (190) goes by population, largest first: a 98 more
  // (100), b the last 92 (94); c, d and e keep their floor.
  SamplePolicy policy = Policy("targets: {default: 100, budget: 200}\n");
  SamplePlan plan = MakeSamplePlan(
      policy, {{"e", 0, 5}, {"c", 5, 45}, {"a", 100, 900}, {"d", 0, 30}, {"b", 50, 450}}, {});
  EXPECT_TRUE(plan.budget_binds);
  EXPECT_EQ(Samples(plan),
            (std::map<std::string, uint64_t>{{"a", 100}, {"b", 94}, {"c", 2}, {"d", 2}, {"e", 2}}));
  EXPECT_EQ(plan.total, 200u);
  // A proportional cut would have given every stratum 200/285 of its target instead.
  EXPECT_EQ(plan.strata[0].key, "a");  // reported sorted by key
  // Both cells of a stratum keep a trace even at the floor.
  EXPECT_EQ(plan.strata[2].sample_failures, 1u);
  EXPECT_EQ(plan.strata[2].sample_others, 1u);
  EXPECT_EQ(plan.cells_left_out, 0u);
}

TEST(SamplePlanTest, NamedStrataAreFundedBeforeLargerUnnamedOnes) {
  SamplePolicy policy = Policy("targets: {default: 100, \"small\": 60, budget: 150}\n");
  SamplePlan plan = MakeSamplePlan(policy, {{"big", 0, 10000}, {"small", 0, 80}}, {});
  // Floors 2 + 2, then small (named) takes 58 more, big the remaining 88.
  EXPECT_EQ(Samples(plan), (std::map<std::string, uint64_t>{{"big", 90}, {"small", 60}}));
}

TEST(SamplePlanTest, FocusRulesAreFundedFirstAndABudgetBelowTheFloorsIsReported) {
  SamplePolicy policy = Policy("targets: {default: 10, budget: 13, min_per_stratum: 3}\n");
  SamplePlan plan =
      MakeSamplePlan(policy, {{"a", 0, 50}, {"b", 0, 40}, {"c", 0, 30}}, {{"cluster", 20, 8}});
  // Focus takes min(8 remaining, 20 present) = 8; 5 left: a gets its floor of 3, b the last 2,
  // c nothing.
  ASSERT_EQ(plan.focus.size(), 1u);
  EXPECT_EQ(plan.focus[0].sample, 8u);
  EXPECT_EQ(Samples(plan), (std::map<std::string, uint64_t>{{"a", 3}, {"b", 2}, {"c", 0}}));
  EXPECT_EQ(plan.total, 13u);
  EXPECT_EQ(plan.cells_left_out, 1u);
  EXPECT_EQ(plan.traces_left_out, 30u);
  EXPECT_NE(PlanMarkdown(plan, policy).find("Warning"), std::string::npos);
}

TEST(SamplePlanTest, PlanReportsHalfWidthAndCost) {
  SamplePolicy policy =
      Policy("targets: {half_width: 0.1, expected_rate: 0.2}\ncost_per_trace: 0.5\n");
  SamplePlan plan = MakeSamplePlan(policy, {{"a", 10, 990}}, {});
  ASSERT_EQ(plan.strata.size(), 1u);
  EXPECT_EQ(plan.strata[0].sample, 60u);
  nlohmann::ordered_json json = PlanJson(plan, policy);
  EXPECT_EQ(json["total"], 60);
  EXPECT_EQ(json["judge_cost"], 30.0);
  EXPECT_NEAR(json["strata"][0]["half_width"].get<double>(), 0.0998, 1e-9);
  std::string md = PlanMarkdown(plan, policy);
  EXPECT_NE(md.find("| a | 1000 | 10 | 60 | 60 |"), std::string::npos) << md;
  EXPECT_NE(md.find("±10.0%"), std::string::npos) << md;
  EXPECT_NE(md.find("Judge cost: 30 USD (60 traces at 0.5 USD each)"), std::string::npos) << md;
  EXPECT_NE(md.find("| judge cost, USD |"), std::string::npos) << md;
}

// For a terminal: the same figures in aligned columns, without Markdown's escapes, and a stratum
// name's control bytes made visible.
TEST(SamplePlanTest, PlainTextForATerminal) {
  SamplePolicy policy =
      Policy("targets: {half_width: 0.1, expected_rate: 0.2}\ncost_per_trace: 0.5\n");
  SamplePlan plan = MakeSamplePlan(policy, {{"a|b", 10, 990}, {"c\x1b[2J", 0, 5}}, {});
  const std::string text = PlanText(plan, policy);
  EXPECT_EQ(text.find("# "), std::string::npos) << text;
  EXPECT_EQ(text.find("\\|"), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("Sampling plan: "), std::string::npos) << text;
  EXPECT_NE(text.find("stratum   population  failures  target  sample"), std::string::npos) << text;
  EXPECT_NE(text.find("a|b             1000        10      60      60"), std::string::npos) << text;
  EXPECT_NE(text.find("c\\x1b[2J"), std::string::npos) << text;
  EXPECT_NE(text.find("Judge cost: 32.5 USD"), std::string::npos) << text;
  EXPECT_NE(PlanMarkdown(plan, policy).find("| a\\|b | 1000 |"), std::string::npos);
}

}  // namespace
}  // namespace arbiter
