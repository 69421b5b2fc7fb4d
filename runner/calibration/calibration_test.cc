// Calibration of one evaluator against consensus labels: the confusion matrix, the role and its
// thresholds, graded labels, reviewers combined, the held-out threshold search.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/calibration/calibration.h"
#include "runner/stats/threshold_search.h"

namespace arbiter {
namespace {

Label MakeLabel(const std::string& trace, const std::string& value,
                const std::string& reviewer = "ana") {
  Label l;
  l.trace_id = trace;
  l.failure_mode = "invented-citation";
  l.label = value;
  l.reviewer = reviewer;
  return l;
}

ScoreRow Row(const std::string& trace, double score, double threshold = 0.5) {
  ScoreRow row;
  row.trace_id = trace;
  row.evaluator = "citation-grounded";
  row.version = 3;
  row.score = score;
  row.pass = score >= threshold;
  row.reason = "score " + std::to_string(score);
  return row;
}

EvaluatorSpec Spec() {
  EvaluatorSpec spec;
  spec.id = "citation-grounded";
  spec.version = 3;
  spec.failure_mode = "invented-citation";
  return spec;
}

// The SPEC's example: 22 labels, tp 9, fp 1, tn 11, fn 1.
struct Example {
  std::vector<Label> labels;
  std::map<std::string, ScoreRow> rows;
};

Example SpecExample() {
  Example e;
  int id = 0;
  auto add = [&](bool human_fail, double score, int count) {
    for (int i = 0; i < count; ++i, ++id) {
      std::string trace = "t-" + std::to_string(id);
      e.labels.push_back(MakeLabel(trace, human_fail ? "fail" : "pass"));
      e.rows[trace] = Row(trace, score);
    }
  };
  add(true, 0.0, 9);    // tp
  add(false, 0.2, 1);   // fp
  add(false, 1.0, 11);  // tn
  add(true, 0.9, 1);    // fn
  return e;
}

TEST(CalibrationTest, TheStructHoldsTheFiguresAsReported) {
  Example e = SpecExample();
  EvaluatorCalibration c =
      CalibrateEvaluator(Spec(), BuildConsensus(e.labels)["invented-citation"], e.rows, {});
  EXPECT_EQ(c.labels, 22u);
  ASSERT_TRUE(c.confusion.has_value());
  EXPECT_EQ(c.confusion->tp, 9u);
  EXPECT_EQ(c.confusion->fn, 1u);
  EXPECT_EQ(c.mcc, 0.8167);
  EXPECT_EQ(c.agreement(), 0.8167);
  EXPECT_EQ(c.spearman, std::nullopt);
  EXPECT_EQ(c.role, Role::kGate);
  ASSERT_EQ(c.disagreements.size(), 2u);
  EXPECT_EQ(c.disagreements[0].trace_id, "t-21");
  EXPECT_EQ(c.disagreements[0].score, 0.9);
  EXPECT_EQ(CalibrationEntryJson(c)["role"], "gate");
}

TEST(CalibrationTest, SpecExampleFiguresAndRole) {
  Example e = SpecExample();
  auto consensus = BuildConsensus(e.labels);
  auto entry =
      CalibrationEntryJson(CalibrateEvaluator(Spec(), consensus["invented-citation"], e.rows, {}));
  EXPECT_EQ(entry["labels"], 22);
  EXPECT_EQ(entry["confusion"],
            nlohmann::ordered_json({{"tp", 9}, {"fp", 1}, {"tn", 11}, {"fn", 1}}));
  EXPECT_EQ(entry["mcc"], 0.8167);  // sklearn matthews_corrcoef: 0.8166666667
  EXPECT_EQ(entry["kappa"], 0.8167);
  EXPECT_EQ(entry["precision"], 0.9);
  EXPECT_EQ(entry["recall"], 0.9);
  EXPECT_EQ(entry["spearman"], nullptr);
  EXPECT_EQ(entry["role"], "gate");
  ASSERT_EQ(entry["disagreements"].size(), 2u);
  // In trace-id order: t-21 (missed failure), then t-9 (false alarm).
  EXPECT_EQ(entry["disagreements"][0]["trace_id"], "t-21");
  EXPECT_EQ(entry["disagreements"][0]["label"], "fail");
  EXPECT_EQ(entry["disagreements"][0]["score"], 0.9);
  EXPECT_EQ(entry["disagreements"][1]["trace_id"], "t-9");
  EXPECT_EQ(entry["disagreements"][1]["label"], "pass");
  EXPECT_LE(entry["mcc_ci95"][0].get<double>(), 0.8167);
  EXPECT_GE(entry["mcc_ci95"][1].get<double>(), 0.8167);
  // Keys in the SPEC's order.
  std::vector<std::string> keys;
  for (const auto& [key, value] : entry.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "version", "failure_mode", "labels", "confusion",
                                            "mcc", "mcc_ci95", "kappa", "precision", "recall",
                                            "spearman", "kendall_tau_b", "role", "threshold_search",
                                            "disagreements"}));
}

TEST(CalibrationTest, RolesFollowTheSuiteThresholds) {
  GatePolicy policy;
  EXPECT_EQ(RoleFor(0.6, policy), Role::kGate);
  EXPECT_EQ(RoleFor(0.59, policy), Role::kSignal);
  EXPECT_EQ(RoleFor(0.4, policy), Role::kSignal);
  EXPECT_EQ(RoleFor(0.39, policy), Role::kRevise);
  policy.gate_mcc = 0.9;
  Example e = SpecExample();
  CalibrationOptions options;
  options.policy = policy;
  auto entry = CalibrationEntryJson(
      CalibrateEvaluator(Spec(), BuildConsensus(e.labels)["invented-citation"], e.rows, options));
  EXPECT_EQ(entry["role"], "signal");
}

TEST(CalibrationTest, FewerThanFiveOfAClassIsUncalibrated) {
  std::vector<Label> labels;
  std::map<std::string, ScoreRow> rows;
  for (int i = 0; i < 12; ++i) {
    std::string trace = "t-" + std::to_string(i);
    bool fail = i < 4;  // four fails only
    labels.push_back(MakeLabel(trace, fail ? "fail" : "pass"));
    rows[trace] = Row(trace, fail ? 0.0 : 1.0);
  }
  auto entry = CalibrationEntryJson(
      CalibrateEvaluator(Spec(), BuildConsensus(labels)["invented-citation"], rows, {}));
  EXPECT_EQ(entry["mcc"], 1.0);
  EXPECT_EQ(entry["role"], "uncalibrated");
}

TEST(CalibrationTest, UnscoredTracesAreLeftOut) {
  Example e = SpecExample();
  e.rows.erase("t-0");
  e.rows["t-1"].score.reset();  // an error row
  e.rows["t-1"].pass.reset();
  auto entry = CalibrationEntryJson(
      CalibrateEvaluator(Spec(), BuildConsensus(e.labels)["invented-citation"], e.rows, {}));
  EXPECT_EQ(entry["labels"], 20);
  EXPECT_EQ(entry["confusion"]["tp"], 7);
}

TEST(CalibrationTest, ReviewersCombineByMajorityAndTiesAreContested) {
  std::vector<Label> labels = {MakeLabel("t-1", "fail", "ana"), MakeLabel("t-1", "fail", "ben"),
                               MakeLabel("t-1", "pass", "cy"), MakeLabel("t-2", "fail", "ana"),
                               MakeLabel("t-2", "pass", "ben")};
  auto consensus = BuildConsensus(labels)["invented-citation"];
  ASSERT_EQ(consensus.labels.size(), 1u);
  EXPECT_TRUE(consensus.labels[0].fail);
  EXPECT_EQ(consensus.labels[0].reviewers, 3);
  EXPECT_EQ(consensus.contested, (std::vector<std::string>{"t-2"}));
}

// Graded labels: rank correlations instead of a confusion matrix. spearmanr/kendalltau of the
// values below (scipy 1.10.1): rho 0.8910738356, tau-b 0.8058373793 (same data as
// agreement_test's MatchesSciPyWithTies).
TEST(CalibrationTest, GradedLabelsUseRankCorrelations) {
  std::vector<double> values = {1, 2, 2, 3, 4, 4, 4, 5, 5, 1};
  std::vector<double> scores = {0.1, 0.4, 0.3, 0.5, 0.9, 0.8, 0.9, 1.0, 0.7, 0.1};
  std::vector<Label> labels;
  std::map<std::string, ScoreRow> rows;
  for (size_t i = 0; i < values.size(); ++i) {
    std::string trace = "t-" + std::to_string(i);
    labels.push_back(MakeLabel(trace, std::to_string(static_cast<int>(values[i]))));
    labels.back().label += ".0";
    rows[trace] = Row(trace, scores[i]);
  }
  auto entry = CalibrationEntryJson(
      CalibrateEvaluator(Spec(), BuildConsensus(labels)["invented-citation"], rows, {}));
  EXPECT_EQ(entry["confusion"], nullptr);
  EXPECT_EQ(entry["mcc"], nullptr);
  EXPECT_EQ(entry["kappa"], nullptr);
  EXPECT_EQ(entry["spearman"], 0.8911);
  EXPECT_EQ(entry["kendall_tau_b"], 0.8058);
  EXPECT_EQ(entry["role"], "gate");
}

TEST(ThresholdSearchTest, FitsOnOneSplitAndReportsTheOther) {
  std::vector<ScoredLabel> labels;
  int held_out = 0;
  for (int i = 0; i < 60; ++i) {
    std::string trace = "t-" + std::to_string(i);
    bool fail = i % 2 == 0;
    // Failures score 0.3, passes 0.7: any threshold between separates them perfectly.
    labels.push_back({trace, fail ? 0.3 : 0.7, fail});
    held_out += IsHeldOut(trace);
  }
  EXPECT_GT(held_out, 10);
  EXPECT_LT(held_out, 30);
  auto search = SearchThreshold(labels);
  ASSERT_TRUE(search.has_value());
  EXPECT_DOUBLE_EQ(search->best_threshold, 0.5);
  EXPECT_DOUBLE_EQ(search->calibration_mcc, 1.0);
  EXPECT_DOUBLE_EQ(*search->held_out_mcc, 1.0);
  // The split is a property of the trace id alone.
  EXPECT_EQ(IsHeldOut("t-7"), IsHeldOut(std::string("t-") + "7"));
  EXPECT_FALSE(SearchThreshold({{"a", 1.0, false}, {"b", 1.0, true}}).has_value());
}

}  // namespace
}  // namespace arbiter
