#include "runner/stats/threshold_search.h"

#include <algorithm>
#include <cstdint>

#include "runner/base/hash.h"
#include "runner/stats/agreement.h"

namespace arbiter {
namespace {

double MccAt(const std::vector<const ScoredLabel*>& labels, double threshold) {
  ConfusionMatrix m;
  for (const ScoredLabel* label : labels) m.Add(label->human_fail, label->score < threshold);
  return Mcc(m);
}

}  // namespace

bool IsHeldOut(std::string_view trace_id) { return Hash64(trace_id) % 3 == 0; }

std::optional<ThresholdSearch> SearchThreshold(const std::vector<ScoredLabel>& labels) {
  std::vector<const ScoredLabel*> fit, held_out;
  for (const ScoredLabel& label : labels) {
    (IsHeldOut(label.trace_id) ? held_out : fit).push_back(&label);
  }
  std::vector<double> scores;
  for (const ScoredLabel* label : fit) scores.push_back(label->score);
  std::sort(scores.begin(), scores.end());
  scores.erase(std::unique(scores.begin(), scores.end()), scores.end());
  if (scores.size() < 2) return std::nullopt;

  ThresholdSearch best;
  bool found = false;
  for (size_t i = 0; i + 1 < scores.size(); ++i) {
    double threshold = (scores[i] + scores[i + 1]) / 2;
    double mcc = MccAt(fit, threshold);
    if (!found || mcc > best.calibration_mcc) {
      best.best_threshold = threshold;
      best.calibration_mcc = mcc;
      found = true;
    }
  }
  if (!held_out.empty()) best.held_out_mcc = MccAt(held_out, best.best_threshold);
  return best;
}

}  // namespace arbiter
