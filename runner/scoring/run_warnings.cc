#include "runner/scoring/run_warnings.h"

#include <algorithm>
#include <tuple>

#include "runner/base/hash.h"
#include "runner/base/report_text.h"
#include "runner/scoring/scorecard.h"

namespace arbiter {

void ReasonTally::Add(const std::string& reason) { Count(reason, nullptr); }

void ReasonTally::Add(const std::string& reason, std::string_view example) {
  Count(reason, &example);
}

void ReasonTally::Count(const std::string& reason, const std::string_view* example) {
  const uint64_t position = total_++;
  auto found = kept_.find(reason);
  if (found == kept_.end()) {
    found = kept_.emplace(reason, Kept{0, position, Hash64(reason), {}}).first;
  }
  Kept& kept = found->second;
  ++kept.count;
  if (example && kept.examples.size() < kExamples) kept.examples.emplace_back(*example);
  if (kept_.size() > kMaxDistinct) EvictLargest();
}

// Adds `reason` to the kept set, then drops the largest hash while the set is over its bound.
void ReasonTally::Keep(const std::string& reason, Kept kept) {
  kept_.emplace(reason, std::move(kept));
  if (kept_.size() > kMaxDistinct) EvictLargest();
}

void ReasonTally::EvictLargest() {
  auto largest = kept_.begin();
  for (auto it = kept_.begin(); it != kept_.end(); ++it) {
    // Ties on the hash (never seen in practice) go by the text, so the choice stays a function
    // of the set.
    if (std::tie(it->second.hash, it->first) > std::tie(largest->second.hash, largest->first)) {
      largest = it;
    }
  }
  kept_.erase(largest);
}

void ReasonTally::Merge(const ReasonTally& later) {
  for (const auto& [reason, kept] : later.kept_) {
    auto found = kept_.find(reason);
    if (found != kept_.end()) {
      found->second.count += kept.count;
      std::vector<std::string>& examples = found->second.examples;
      for (size_t i = 0; i < kept.examples.size() && examples.size() < kExamples; ++i) {
        examples.push_back(kept.examples[i]);
      }
    } else {
      Keep(reason, Kept{kept.count, total_ + kept.first, kept.hash, kept.examples});
    }
  }
  total_ += later.total_;
}

std::vector<ReasonTally::Group> ReasonTally::Top(size_t limit) const {
  std::vector<std::pair<const std::string*, const Kept*>> order;
  for (const auto& [reason, kept] : kept_) order.emplace_back(&reason, &kept);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return std::tie(b.second->count, a.second->first) < std::tie(a.second->count, b.second->first);
  });
  std::vector<Group> top;
  for (size_t i = 0; i < order.size() && i < limit; ++i) {
    top.push_back(Group{*order[i].first, order[i].second->count, order[i].second->examples});
  }
  return top;
}

std::pair<std::string, uint64_t> ReasonTally::MostCommon() const {
  std::pair<std::string, uint64_t> best;
  uint64_t best_first = 0;
  for (const auto& [reason, kept] : kept_) {
    if (kept.count > best.second || (kept.count == best.second && kept.first < best_first)) {
      best = {reason, kept.count};
      best_first = kept.first;
    }
  }
  return best;
}

nlohmann::ordered_json ReasonTally::Json() const {
  std::vector<std::pair<uint64_t, const std::string*>> order;
  for (const auto& [reason, kept] : kept_) order.emplace_back(kept.first, &reason);
  std::sort(order.begin(), order.end());
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& [first, reason] : order) {
    const Kept& kept = kept_.at(*reason);
    list.push_back({*reason, kept.count, first, kept.examples});
  }
  return {{"total", total_}, {"kept", std::move(list)}};
}

Result<ReasonTally> ReasonTally::FromJson(const nlohmann::json& json) {
  ReasonTally tally;
  try {
    tally.total_ = json.at("total").get<uint64_t>();
    for (const nlohmann::json& entry : json.at("kept")) {
      std::string reason = entry.at(0).get<std::string>();
      Kept kept{entry.at(1).get<uint64_t>(), entry.at(2).get<uint64_t>(), Hash64(reason), {}};
      if (entry.size() > 3) kept.examples = entry.at(3).get<std::vector<std::string>>();
      if (kept.examples.size() > kExamples) {
        return Status::Corruption("malformed reason tally: more than " + std::to_string(kExamples) +
                                  " examples");
      }
      tally.Keep(reason, kept);
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string("malformed reason tally: ") + e.what());
  }
  return tally;
}

std::string ReasonTally::Suffix() const {
  auto [reason, count] = MostCommon();
  if (count == 0) return "";
  if (count == total_) return " (" + reason + ")";
  return " (most common: " + reason + ", " + std::to_string(count) + " of " +
         std::to_string(total_) + ")";
}

nlohmann::ordered_json WarningsJson(const std::vector<RunWarning>& warnings) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const RunWarning& warning : warnings) {
    nlohmann::ordered_json entry;
    entry["evaluator"] = warning.evaluator.empty() ? nlohmann::ordered_json(nullptr)
                                                   : nlohmann::ordered_json(warning.evaluator);
    entry["kind"] = warning.kind;
    entry["message"] = warning.message;
    list.push_back(std::move(entry));
  }
  return list;
}

std::string WarningsMarkdown(const std::vector<RunWarning>& warnings) {
  if (warnings.empty()) return "";
  std::string md = "## Warnings\n\n";
  for (const RunWarning& warning : warnings) md += "- " + MarkdownCell(warning.message) + "\n";
  return md + "\n";
}

std::vector<RunWarning> ScorecardBuilder::Warnings() const {
  std::vector<RunWarning> warnings;
  auto add = [&](const std::string& evaluator, const char* kind, std::string message) {
    warnings.push_back(RunWarning{evaluator, kind, std::move(message)});
  };
  const std::string all = std::to_string(traces_);
  if (traces_ == 0 && trace_errors_ == 0) {
    add("", "no_input", "the input holds no trace, so no evaluator judged anything");
  } else if (traces_ == 0) {
    add("", "all_input_broken",
        "every input line is broken: " + std::to_string(trace_errors_) +
            " skipped, no trace scored" + trace_error_reasons_.Suffix());
  }
  for (size_t s = 0; traces_ > 0 && s < suite_.strata.size(); ++s) {
    if (strata_present_[s] > 0) continue;
    add("", "strata_path_missing",
        "strata path '" + suite_.strata[s] + "' is missing on every trace (" + all + " of " + all +
            ")");
  }
  for (size_t e = 0; e < suite_.evaluators.size(); ++e) {
    const ScorecardEvaluator& evaluator = suite_.evaluators[e];
    const std::string& id = evaluator.id;
    const EvaluatorTally& tally = tallies_[e];
    if (!evaluator.skipped.empty()) {
      add(id, "judge_skipped", id + " was skipped: " + evaluator.skipped);
      continue;
    }
    if (traces_ == 0) continue;                               // said once for the run above
    const uint64_t applied = tally.all.n + tally.all.errors;  // traces its `when` let through
    const std::string errors =
        std::to_string(tally.all.errors) + " of " + std::to_string(applied) + " traces are errors";
    if (applied == 0 && !evaluator.when.empty()) {
      add(id, "when_never_held",
          id + " judged no trace: its when `" + evaluator.when + "` held on none of the " + all +
              " traces");
    } else if (tally.all.n == 0) {
      add(id, "no_trace_judged",
          id + " judged no trace" + (applied ? ": " + errors + tally.error_reasons.Suffix() : ""));
    } else if (static_cast<double>(tally.all.errors) > max_error_rate_ * applied) {
      add(id, "error_rate",
          id + ": " + errors + ", more than --max-error-rate " + NumberText(max_error_rate_) +
              " allows" + tally.error_reasons.Suffix());
    }
  }
  return warnings;
}

}  // namespace arbiter
