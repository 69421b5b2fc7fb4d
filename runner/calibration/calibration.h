// Calibration (SPEC "calibration.json"): each evaluator's results compared with the human
// labels for its failure mode, and the role that agreement earns it. Positive class = failure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/labels/label.h"
#include "runner/scoring/score_rows.h"
#include "runner/stats/bootstrap.h"
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
std::string RoleFor(double agreement, const GatePolicy& policy);

// One evaluator's entry of calibration.json (SPEC keys and order). `rows` holds its score rows
// by trace id; labeled traces it has no scored row for (errors, `when` false) are left out.
nlohmann::ordered_json CalibrateEvaluator(const EvaluatorSpec& spec, const ConsensusSet& labels,
                                          const std::map<std::string, ScoreRow>& rows,
                                          const CalibrationOptions& options);

}  // namespace arbiter
