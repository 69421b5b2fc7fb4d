// The pass threshold that maximizes MCC, chosen on one part of the labels and reported on the
// other (SPEC "calibration.json" `threshold_search`), so the agreement it reports is not fitted
// to the labels that chose it. The split is a hash of the trace id: the same trace always
// falls on the same side, whatever else the label set holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arbiter {

// True when `trace_id` belongs to the held-out split (about one third of ids): a hash of the id
// (base/hash.h), the same on every platform and release.
bool IsHeldOut(std::string_view trace_id);

struct ScoredLabel {
  std::string trace_id;
  double score = 0.0;
  bool human_fail = false;
};

struct ThresholdSearch {
  double best_threshold = 0.0;
  double calibration_mcc = 0.0;
  std::optional<double> held_out_mcc;  // nullopt when the held-out split is empty
};

// Candidates are the midpoints between consecutive distinct scores of the calibration split
// (score >= threshold passes); the first best one wins, so the result is deterministic.
// nullopt when the calibration split has fewer than two distinct scores.
std::optional<ThresholdSearch> SearchThreshold(const std::vector<ScoredLabel>& labels);

}  // namespace arbiter
