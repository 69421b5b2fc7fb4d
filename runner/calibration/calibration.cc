#include "runner/calibration/calibration.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "runner/base/report_text.h"
#include "runner/stats/agreement.h"
#include "runner/stats/rank_correlation.h"
#include "runner/stats/stats.h"
#include "runner/stats/threshold_search.h"

namespace arbiter {
namespace {

using Json = nlohmann::ordered_json;

std::optional<double> Rounded(std::optional<double> value) {
  return value ? std::optional<double>(RoundTo(*value, kDigits)) : std::nullopt;
}

Json Figure(std::optional<double> value) { return value ? Json(*value) : Json(nullptr); }

Json LabelJson(const ConsensusLabel& label) {
  return label.graded ? Json(label.value) : Json(label.fail ? "fail" : "pass");
}

struct Compared {
  const ConsensusLabel* label;
  const ScoreRow* row;
};

Disagreement DisagreementOf(const Compared& c) {
  return {c.label->trace_id, *c.label, RoundTo(*c.row->score, kDigits), c.row->reason};
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

Role RoleFor(double agreement, const GatePolicy& policy) {
  if (agreement >= policy.gate_mcc) return Role::kGate;
  if (agreement >= policy.signal_mcc) return Role::kSignal;
  return Role::kRevise;
}

EvaluatorCalibration CalibrateEvaluator(const EvaluatorSpec& spec, const ConsensusSet& labels,
                                        const std::map<std::string, ScoreRow>& rows,
                                        const CalibrationOptions& options) {
  std::vector<Compared> compared;
  for (const ConsensusLabel& label : labels.labels) {
    auto row = rows.find(label.trace_id);
    if (row != rows.end() && row->second.score) compared.push_back({&label, &row->second});
  }
  const bool graded = !labels.labels.empty() && labels.labels.front().graded;

  EvaluatorCalibration c;
  c.id = spec.id;
  c.version = spec.version;
  c.failure_mode = spec.failure_mode;
  c.labels = compared.size();
  if (!graded) {
    ConfusionMatrix m;
    std::vector<LabeledDecision> decisions;
    std::vector<ScoredLabel> scored;
    for (const Compared& x : compared) {
      bool evaluator_fail = !*x.row->pass;
      m.Add(x.label->fail, evaluator_fail);
      decisions.push_back({x.label->fail, evaluator_fail});
      scored.push_back({x.label->trace_id, *x.row->score, x.label->fail});
      if (evaluator_fail != x.label->fail) c.disagreements.push_back(DisagreementOf(x));
    }
    double mcc = Mcc(m);
    auto [low, high] = BootstrapMccInterval(decisions, options.bootstrap);
    c.confusion = m;
    c.mcc = RoundTo(mcc, kDigits);
    c.mcc_ci95 = std::pair(RoundTo(low, kDigits), RoundTo(high, kDigits));
    c.kappa = RoundTo(CohenKappa(m), kDigits);
    c.precision = Rounded(Precision(m));
    c.recall = Rounded(Recall(m));
    uint64_t human_fail = m.tp + m.fn, human_pass = m.tn + m.fp;
    bool enough = human_fail >= static_cast<uint64_t>(options.min_per_class) &&
                  human_pass >= static_cast<uint64_t>(options.min_per_class);
    c.role = enough ? RoleFor(mcc, options.policy) : Role::kUncalibrated;
    if (std::optional<ThresholdSearch> search = SearchThreshold(scored)) {
      c.threshold_search = ThresholdFigures{RoundTo(search->best_threshold, kDigits),
                                            RoundTo(search->calibration_mcc, kDigits),
                                            Rounded(search->held_out_mcc)};
    }
  } else {
    std::vector<double> values, scores;
    double lowest = 0, highest = 0;
    for (const Compared& x : compared) {
      values.push_back(x.label->value);
      scores.push_back(*x.row->score);
    }
    if (!values.empty()) {
      lowest = *std::min_element(values.begin(), values.end());
      highest = *std::max_element(values.begin(), values.end());
    }
    // A graded label disagrees when, mapped onto [0, 1] by the scale seen, it is more than
    // half the scale away from the score.
    for (const Compared& x : compared) {
      double normalized = highest > lowest ? (x.label->value - lowest) / (highest - lowest) : 0.5;
      if (std::abs(normalized - *x.row->score) > 0.5) c.disagreements.push_back(DisagreementOf(x));
    }
    std::optional<double> rho = SpearmanRho(values, scores);
    c.spearman = Rounded(rho);
    c.kendall_tau_b = Rounded(KendallTauB(values, scores));
    bool enough = compared.size() >= static_cast<size_t>(2 * options.min_per_class) && rho;
    c.role = enough ? RoleFor(*rho, options.policy) : Role::kUncalibrated;
  }
  return c;
}

Json CalibrationEntryJson(const EvaluatorCalibration& c) {
  Json entry;
  entry["id"] = c.id;
  entry["version"] = c.version;
  if (!c.fingerprint.empty()) entry["fingerprint"] = c.fingerprint;
  entry["failure_mode"] = c.failure_mode;
  entry["labels"] = c.labels;
  if (c.confusion) {
    const ConfusionMatrix& m = *c.confusion;
    entry["confusion"] = {{"tp", m.tp}, {"fp", m.fp}, {"tn", m.tn}, {"fn", m.fn}};
  } else {
    entry["confusion"] = nullptr;
  }
  entry["mcc"] = Figure(c.mcc);
  entry["mcc_ci95"] =
      c.mcc_ci95 ? Json::array({c.mcc_ci95->first, c.mcc_ci95->second}) : Json(nullptr);
  entry["kappa"] = Figure(c.kappa);
  entry["precision"] = Figure(c.precision);
  entry["recall"] = Figure(c.recall);
  entry["spearman"] = Figure(c.spearman);
  entry["kendall_tau_b"] = Figure(c.kendall_tau_b);
  entry["role"] = RoleName(c.role);
  if (c.threshold_search) {
    entry["threshold_search"] = {{"best_threshold", c.threshold_search->best_threshold},
                                 {"calibration_mcc", c.threshold_search->calibration_mcc},
                                 {"held_out_mcc", Figure(c.threshold_search->held_out_mcc)}};
  } else {
    entry["threshold_search"] = nullptr;
  }
  Json disagreements = Json::array();
  for (const Disagreement& d : c.disagreements) {
    Json item;
    item["trace_id"] = d.trace_id;
    item["label"] = LabelJson(d.label);
    item["score"] = d.score;
    item["reason"] = d.reason;
    disagreements.push_back(std::move(item));
  }
  entry["disagreements"] = std::move(disagreements);
  return entry;
}

}  // namespace arbiter
