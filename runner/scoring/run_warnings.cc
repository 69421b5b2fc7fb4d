#include "runner/scoring/run_warnings.h"

#include "runner/base/report_text.h"
#include "runner/scoring/scorecard.h"

namespace arbiter {

void ReasonTally::Add(const std::string& reason) {
  ++total_;
  auto found = index_.find(reason);
  if (found != index_.end()) {
    ++counts_[found->second].second;
  } else if (counts_.size() < kMaxDistinct) {
    index_.emplace(reason, counts_.size());
    counts_.emplace_back(reason, 1);
  }
}

std::pair<std::string, uint64_t> ReasonTally::MostCommon() const {
  std::pair<std::string, uint64_t> best;
  for (const auto& counted : counts_) {
    if (counted.second > best.second) best = counted;  // strictly: ties keep the first seen
  }
  return best;
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
        "strata path '" + suite_.strata[s].text() + "' is missing on every trace (" + all + " of " +
            all + ")");
  }
  for (size_t e = 0; e < suite_.evaluators.size(); ++e) {
    const LoadedEvaluator& evaluator = suite_.evaluators[e];
    const std::string& id = evaluator.spec.id;
    const EvaluatorTally& tally = tallies_[e];
    if (!evaluator.skipped.empty()) {
      add(id, "judge_skipped", id + " was skipped: " + evaluator.skipped);
      continue;
    }
    if (traces_ == 0) continue;                               // said once for the run above
    const uint64_t applied = tally.all.n + tally.all.errors;  // traces its `when` let through
    const std::string errors =
        std::to_string(tally.all.errors) + " of " + std::to_string(applied) + " traces are errors";
    if (applied == 0 && evaluator.when) {
      add(id, "when_never_held",
          id + " judged no trace: its when `" + evaluator.when->text() + "` held on none of the " +
              all + " traces");
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
