// Calibration (SPEC "calibration.json"): each evaluator's results compared with the human
// labels for its failure mode, and the role that agreement earns it. Positive class = failure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/labels/label.h"
#include "runner/scoring/score_rows.h"
#include "runner/stats/agreement.h"
#include "runner/stats/bootstrap.h"
#include "runner/suite/role.h"
#include "runner/suite/suite.h"

namespace arbiter {

// What the reviewers of one trace say about one failure mode, combined.
struct ConsensusLabel {
  std::string trace_id;
  bool graded = false;
  bool fail = false;   // pass/fail labels: the majority says fail
  double value = 0.0;  // graded labels: the mean value
  int reviewers = 0;
};

struct ConsensusSet {
  std::vector<ConsensusLabel> labels;  // sorted by trace id
  std::vector<std::string> contested;  // pass/fail ties between reviewers: left out
};

// failure mode -> its consensus labels. Several reviewers on a trace are combined by majority
// (pass/fail) or mean (graded); a tie is contested and left out rather than guessed.
std::map<std::string, ConsensusSet> BuildConsensus(const std::vector<Label>& labels);

struct CalibrationOptions {
  // MCC thresholds for the roles (the suite's `gate:`).
  GatePolicy policy;
  // Fewer labels than this of either class (human pass or human fail): `uncalibrated`.
  // Graded label sets need twice this many labels.
  int min_per_class = 5;
  BootstrapOptions bootstrap;
};

// The role for a figure of agreement (MCC, or Spearman's rho for graded labels).
Role RoleFor(double agreement, const GatePolicy& policy);

// A labeled trace the evaluator judged otherwise.
struct Disagreement {
  std::string trace_id;
  ConsensusLabel label;
  double score = 0.0;
  std::string reason;  // the evaluator's
};

// The threshold that would have agreed best with the labels (pass/fail labels only).
struct ThresholdFigures {
  double best_threshold = 0.0;
  double calibration_mcc = 0.0;
  std::optional<double> held_out_mcc;
};

// One evaluator calibrated. Figures are rounded to 4 digits as reported, so calibration.json,
// the history store and the terminal all show the same numbers. Pass/fail labels give the
// confusion matrix and MCC figures; graded labels give the rank correlations; the others stay
// empty (null in calibration.json).
struct EvaluatorCalibration {
  std::string id;
  int version = 0;
  std::string fingerprint;  // the evaluator calibrated (runner/suite/fingerprint.h)
  std::string failure_mode;
  size_t labels = 0;  // labeled traces compared with a score
  std::optional<ConfusionMatrix> confusion;
  std::optional<double> mcc;
  std::optional<std::pair<double, double>> mcc_ci95;
  std::optional<double> kappa, precision, recall;
  std::optional<double> spearman, kendall_tau_b;
  Role role = Role::kUncalibrated;
  std::optional<ThresholdFigures> threshold_search;
  std::vector<Disagreement> disagreements;

  // MCC, or Spearman's rho for graded labels: the figure the role comes from.
  std::optional<double> agreement() const { return mcc ? mcc : spearman; }
};

// One evaluator compared with its labels. `rows` holds its score rows by trace id; labeled
// traces it has no scored row for (errors, `when` false) are left out.
EvaluatorCalibration CalibrateEvaluator(const EvaluatorSpec& spec, const ConsensusSet& labels,
                                        const std::map<std::string, ScoreRow>& rows,
                                        const CalibrationOptions& options);

// Its entry of calibration.json (SPEC keys and order).
nlohmann::ordered_json CalibrationEntryJson(const EvaluatorCalibration& calibration);

}  // namespace arbiter
