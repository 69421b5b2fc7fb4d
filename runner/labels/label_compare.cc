#include "runner/labels/label_compare.h"

#include <map>
#include <set>
#include <tuple>

#include "runner/stats/agreement.h"

namespace arbiter {

LabelDiff DiffLabels(const std::vector<Label>& older, const std::vector<Label>& newer) {
  using Key = std::tuple<std::string, std::string, std::string>;
  auto key = [](const Label& l) { return Key(l.failure_mode, l.trace_id, l.reviewer); };
  std::map<Key, const Label*> before, after;
  for (const Label& l : older) before[key(l)] = &l;
  for (const Label& l : newer) after[key(l)] = &l;
  LabelDiff diff;
  for (const auto& [k, label] : after) {
    auto it = before.find(k);
    if (it == before.end()) {
      diff.added.push_back(*label);
    } else if (it->second->label != label->label) {
      diff.flipped.emplace_back(*it->second, *label);
    }
  }
  for (const auto& [k, label] : before) {
    if (!after.count(k)) diff.removed.push_back(*label);
  }
  return diff;
}

std::vector<ModeAgreement> ReviewerAgreement(const std::vector<Label>& labels) {
  // mode -> trace -> reviewer -> label
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> grouped;
  for (const Label& l : labels) grouped[l.failure_mode][l.trace_id][l.reviewer] = l.label;
  std::vector<ModeAgreement> result;
  for (const auto& [mode, traces] : grouped) {
    ModeAgreement agreement;
    agreement.failure_mode = mode;
    agreement.traces = traces.size();
    std::set<std::string> reviewers;
    std::vector<std::vector<std::string>> units;
    for (const auto& [trace, by_reviewer] : traces) {
      std::vector<std::string> values;
      for (const auto& [reviewer, value] : by_reviewer) {
        reviewers.insert(reviewer);
        values.push_back(value);
      }
      agreement.shared_traces += values.size() >= 2;
      units.push_back(std::move(values));
    }
    agreement.reviewers.assign(reviewers.begin(), reviewers.end());
    agreement.alpha = KrippendorffAlphaNominal(units);
    if (reviewers.size() == 2) {
      std::vector<std::string> a, b;
      for (const auto& [trace, by_reviewer] : traces) {
        auto first = by_reviewer.find(agreement.reviewers[0]);
        auto second = by_reviewer.find(agreement.reviewers[1]);
        if (first != by_reviewer.end() && second != by_reviewer.end()) {
          a.push_back(first->second);
          b.push_back(second->second);
        }
      }
      agreement.kappa = CohenKappa(a, b);
    }
    result.push_back(std::move(agreement));
  }
  return result;
}

}  // namespace arbiter
