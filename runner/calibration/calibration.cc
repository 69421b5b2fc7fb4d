#include "runner/calibration/calibration.h"

#include <algorithm>

#include "runner/base/report_text.h"
#include "runner/stats/agreement.h"
#include "runner/stats/rank_correlation.h"
#include "runner/stats/stats.h"
#include "runner/stats/threshold_search.h"

namespace arbiter {
namespace {

using Json = nlohmann::ordered_json;

Json Rounded(std::optional<double> value) {
  return value ? Json(RoundTo(*value, kDigits)) : Json(nullptr);
}

Json LabelJson(const ConsensusLabel& label) {
  return label.graded ? Json(label.value) : Json(label.fail ? "fail" : "pass");
}

struct Compared {
  const ConsensusLabel* label;
  const ScoreRow* row;
};

Json Disagreement(const Compared& c) {
  Json entry;
  entry["trace_id"] = c.label->trace_id;
  entry["label"] = LabelJson(*c.label);
  entry["score"] = RoundTo(*c.row->score, kDigits);
  entry["reason"] = c.row->reason;
  return entry;
}

}  // namespace

std::map<std::string, ConsensusSet> BuildConsensus(const std::vector<Label>& labels) {
  // (failure mode, trace id) -> its labels
  std::map<std::pair<std::string, std::string>, std::vector<const Label*>> grouped;
  for (const Label& label : labels) grouped[{label.failure_mode, label.trace_id}].push_back(&label);
  std::map<std::string, ConsensusSet> sets;
  for (const auto& [key, group] : grouped) {
    ConsensusSet& set = sets[key.first];
    ConsensusLabel consensus;
    consensus.trace_id = key.second;
    consensus.reviewers = static_cast<int>(group.size());
    consensus.graded = group.front()->graded();
    if (consensus.graded) {
      double sum = 0;
      for (const Label* label : group) sum += label->value();
      consensus.value = sum / static_cast<double>(group.size());
    } else {
      int fails = 0;
      for (const Label* label : group) fails += label->label == "fail";
      int passes = static_cast<int>(group.size()) - fails;
      if (fails == passes) {
        set.contested.push_back(key.second);
        continue;
      }
      consensus.fail = fails > passes;
    }
    set.labels.push_back(std::move(consensus));
  }
  return sets;
}

std::string RoleFor(double agreement, const GatePolicy& policy) {
  if (agreement >= policy.gate_mcc) return "gate";
  if (agreement >= policy.signal_mcc) return "signal";
  return "revise";
}

Json CalibrateEvaluator(const EvaluatorSpec& spec, const ConsensusSet& labels,
                        const std::map<std::string, ScoreRow>& rows,
                        const CalibrationOptions& options) {
  std::vector<Compared> compared;
  for (const ConsensusLabel& label : labels.labels) {
    auto row = rows.find(label.trace_id);
    if (row != rows.end() && row->second.score) compared.push_back({&label, &row->second});
  }
  const bool graded = !labels.labels.empty() && labels.labels.front().graded;

  Json entry;
  entry["id"] = spec.id;
  entry["version"] = spec.version;
  entry["failure_mode"] = spec.failure_mode;
  entry["labels"] = compared.size();
  Json disagreements = Json::array();
  if (!graded) {
    ConfusionMatrix m;
    std::vector<LabeledDecision> decisions;
    std::vector<ScoredLabel> scored;
    for (const Compared& c : compared) {
      bool evaluator_fail = !*c.row->pass;
      m.Add(c.label->fail, evaluator_fail);
      decisions.push_back({c.label->fail, evaluator_fail});
      scored.push_back({c.label->trace_id, *c.row->score, c.label->fail});
      if (evaluator_fail != c.label->fail) disagreements.push_back(Disagreement(c));
    }
    double mcc = Mcc(m);
    auto [low, high] = BootstrapMccInterval(decisions, options.bootstrap);
    entry["confusion"] = {{"tp", m.tp}, {"fp", m.fp}, {"tn", m.tn}, {"fn", m.fn}};
    entry["mcc"] = RoundTo(mcc, kDigits);
    entry["mcc_ci95"] = Json::array({RoundTo(low, kDigits), RoundTo(high, kDigits)});
    entry["kappa"] = RoundTo(CohenKappa(m), kDigits);
    entry["precision"] = Rounded(Precision(m));
    entry["recall"] = Rounded(Recall(m));
    entry["spearman"] = nullptr;
    entry["kendall_tau_b"] = nullptr;
    uint64_t human_fail = m.tp + m.fn, human_pass = m.tn + m.fp;
    bool enough = human_fail >= static_cast<uint64_t>(options.min_per_class) &&
                  human_pass >= static_cast<uint64_t>(options.min_per_class);
    entry["role"] = enough ? RoleFor(mcc, options.policy) : "uncalibrated";
    std::optional<ThresholdSearch> search = SearchThreshold(scored);
    if (search) {
      entry["threshold_search"] = {{"best_threshold", RoundTo(search->best_threshold, kDigits)},
                                   {"calibration_mcc", RoundTo(search->calibration_mcc, kDigits)},
                                   {"held_out_mcc", Rounded(search->held_out_mcc)}};
    } else {
      entry["threshold_search"] = nullptr;
    }
  } else {
    std::vector<double> values, scores;
    double lowest = 0, highest = 0;
    for (const Compared& c : compared) {
      values.push_back(c.label->value);
      scores.push_back(*c.row->score);
    }
    if (!values.empty()) {
      lowest = *std::min_element(values.begin(), values.end());
      highest = *std::max_element(values.begin(), values.end());
    }
    // A graded label disagrees when, mapped onto [0, 1] by the scale seen, it is more than
    // half the scale away from the score.
    for (const Compared& c : compared) {
      double normalized = highest > lowest ? (c.label->value - lowest) / (highest - lowest) : 0.5;
      if (std::abs(normalized - *c.row->score) > 0.5) disagreements.push_back(Disagreement(c));
    }
    std::optional<double> rho = SpearmanRho(values, scores);
    for (const char* key : {"confusion", "mcc", "mcc_ci95", "kappa", "precision", "recall"}) {
      entry[key] = nullptr;
    }
    entry["spearman"] = Rounded(rho);
    entry["kendall_tau_b"] = Rounded(KendallTauB(values, scores));
    bool enough = compared.size() >= static_cast<size_t>(2 * options.min_per_class) && rho;
    entry["role"] = enough ? RoleFor(*rho, options.policy) : "uncalibrated";
    entry["threshold_search"] = nullptr;
  }
  entry["disagreements"] = std::move(disagreements);
  return entry;
}

}  // namespace arbiter
