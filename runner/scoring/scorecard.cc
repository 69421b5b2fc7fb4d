#include "runner/scoring/scorecard.h"

#include "runner/base/json_util.h"
#include "runner/base/report_text.h"
#include "runner/base/utf8.h"
#include "runner/scoring/scorecard_text.h"
#include "runner/stats/stats.h"
#include "runner/suite/role.h"

namespace arbiter {
namespace {

nlohmann::ordered_json Rate(uint64_t passes, uint64_t n) {
  if (n == 0) return nullptr;
  return RoundTo(static_cast<double>(passes) / static_cast<double>(n), kDigits);
}

nlohmann::ordered_json Interval(uint64_t passes, uint64_t n) {
  if (n == 0) return nullptr;
  auto [low, high] = WilsonInterval(static_cast<double>(passes), static_cast<double>(n));
  return nlohmann::ordered_json::array({RoundTo(low, kDigits), RoundTo(high, kDigits)});
}

// A reason as scores.jsonl has it: a plugin's text may hold bytes that are not UTF-8, which the
// row writer replaces and the JSON state could not hold.
std::string Text(const std::string& reason) {
  return IsValidUtf8(reason) ? reason : ValidUtf8(reason);
}

using scorecard_text::Percent;
using scorecard_text::WilsonText;

}  // namespace

void ScorecardBuilder::Tally::Add(const EvaluatorOutcome& outcome) {
  if (outcome.kind == EvaluatorOutcome::Kind::kError) {
    ++errors;
    return;
  }
  ++n;
  passes += outcome.pass;
  score_sum.Add(outcome.score);
}

ScorecardBuilder::ScorecardBuilder(const Suite& suite, double max_error_rate)
    : ScorecardBuilder(ScorecardSuite::Of(suite), max_error_rate) {
  live_ = &suite;
}

ScorecardBuilder::ScorecardBuilder(ScorecardSuite suite, double max_error_rate)
    : suite_(std::move(suite)),
      max_error_rate_(max_error_rate),
      strata_present_(suite_.strata.size()),
      tallies_(suite_.evaluators.size()) {
  for (EvaluatorTally& tally : tallies_) tally.strata.resize(suite_.strata.size());
}

std::vector<UsageFigure> ScorecardBuilder::Usage(size_t evaluator) const {
  return live_ ? live_->evaluators[evaluator].evaluator->Usage()
               : suite_.evaluators[evaluator].usage;
}

void ScorecardBuilder::AddInput(const std::string& path, const std::string& hash) {
  inputs_.emplace_back(path, hash);
}

void ScorecardBuilder::AddTrace(const TraceResult& trace) {
  if (!trace.error.empty()) {
    ++trace_errors_;
    trace_error_reasons_.Add(trace.error);
    return;
  }
  ++traces_;
  for (size_t s = 0; s < trace.strata.size(); ++s) {
    strata_present_[s] += trace.strata[s] != kMissingStratum;
  }
  for (size_t e = 0; e < trace.outcomes.size(); ++e) {
    const EvaluatorOutcome& outcome = trace.outcomes[e];
    if (outcome.kind == EvaluatorOutcome::Kind::kSkipped) continue;
    EvaluatorTally& tally = tallies_[e];
    tally.all.Add(outcome);
    if (outcome.kind == EvaluatorOutcome::Kind::kError) {
      tally.error_reasons.Add(Text(outcome.error), trace.trace_id);
    } else if (!outcome.pass) {
      const std::string reason = Text(outcome.reason);
      tally.fail_reasons.Add(reason, trace.trace_id);
      if (tally.first_failing.size() < kFirstFailing) {
        tally.first_failing.emplace_back(trace.trace_id, reason);
      }
    }
    for (size_t s = 0; s < trace.strata.size(); ++s) {
      tally.strata[s][trace.strata[s]].Add(outcome);
    }
  }
  if (trace.sample.state != SampleMark::State::kAbsent) AddSampled(trace);
}

// Only traces with `_sample` reach here, so an unsampled run pays one comparison per trace.
// Traces without it need no per-trace work either: being weight 1 in one cell, their sums are
// the evaluator's overall tally minus the marked traces' (see Population).
void ScorecardBuilder::AddSampled(const TraceResult& trace) {
  ++marked_;
  const SampleMark& mark = trace.sample;
  const bool valid = mark.state == SampleMark::State::kValid;
  size_t cell = 0;
  if (valid) {
    cell = cell_index_.try_emplace(mark.cell, cell_index_.size()).first->second;
  } else {
    ++malformed_;
  }
  for (size_t e = 0; e < trace.outcomes.size(); ++e) {
    const EvaluatorOutcome& outcome = trace.outcomes[e];
    EvaluatorTally& tally = tallies_[e];
    if (outcome.kind != EvaluatorOutcome::Kind::kSkipped) tally.marked.Add(outcome);
    if (!valid) continue;
    if (tally.cells.size() <= cell) tally.cells.resize(cell + 1);
    // Skipped and error outcomes are outside the evaluator's domain but still in their cell's
    // sample size.
    tally.cells[cell].Add(mark.weight, outcome.kind == EvaluatorOutcome::Kind::kScored,
                          outcome.pass);
  }
}

std::optional<PopulationRate> ScorecardBuilder::Population(const EvaluatorTally& tally) const {
  std::vector<PopulationCell> cells = tally.cells;
  if (without_sample() > 0) {
    cells.push_back(PopulationCell::Census(without_sample(), tally.all.n - tally.marked.n,
                                           tally.all.passes - tally.marked.passes));
  }
  return PopulationRateOf(cells);
}

nlohmann::ordered_json ScorecardBuilder::Json() const {
  nlohmann::ordered_json card;
  card["suite"] = suite_.name;
  card["traces"] = traces_;
  card["trace_errors"] = trace_errors_;
  card["inputs"] = nlohmann::ordered_json::array();
  for (const auto& [path, hash] : inputs_) {
    card["inputs"].push_back({{"path", path}, {InputHashName(input_hash_), hash}});
  }
  if (sampled()) {
    card["sample"] = {{"cells", cell_index_.size()},
                      {"without_sample", without_sample()},
                      {"malformed", malformed_}};
  }
  card["evaluators"] = nlohmann::ordered_json::array();
  for (size_t e = 0; e < suite_.evaluators.size(); ++e) {
    const ScorecardEvaluator& evaluator = suite_.evaluators[e];
    const EvaluatorTally& tally = tallies_[e];
    nlohmann::ordered_json entry;
    entry["id"] = evaluator.id;
    entry["version"] = evaluator.version;
    entry["plugin"] = evaluator.plugin;
    entry["fingerprint"] = evaluator.fingerprint;
    entry["role"] = RoleName(Role::kUncalibrated);  // a run alone earns no role
    entry["n"] = tally.all.n;
    entry["errors"] = tally.all.errors;
    entry["mean_score"] =
        tally.all.n
            ? nlohmann::ordered_json(RoundTo(tally.all.score_sum.Value() / tally.all.n, kDigits))
            : nlohmann::ordered_json(nullptr);
    entry["pass_rate"] = Rate(tally.all.passes, tally.all.n);
    entry["pass_rate_ci95"] = Interval(tally.all.passes, tally.all.n);
    if (sampled()) {
      std::optional<PopulationRate> population = Population(tally);
      entry["population_pass_rate"] = nullptr;
      entry["population_pass_rate_ci95"] = nullptr;
      if (population) {
        entry["population_pass_rate"] = RoundTo(population->rate, kDigits);
        entry["population_pass_rate_ci95"] = nlohmann::ordered_json::array(
            {RoundTo(population->low, kDigits), RoundTo(population->high, kDigits)});
      }
    }
    nlohmann::ordered_json strata = nlohmann::ordered_json::object();
    for (size_t s = 0; s < suite_.strata.size(); ++s) {
      nlohmann::ordered_json values = nlohmann::ordered_json::object();
      for (const auto& [value, t] : tally.strata[s]) {
        nlohmann::ordered_json cell;
        cell["n"] = t.n;
        if (t.errors) cell["errors"] = t.errors;
        cell["pass_rate"] = Rate(t.passes, t.n);
        cell["pass_rate_ci95"] = Interval(t.passes, t.n);
        values[value] = std::move(cell);
      }
      strata[suite_.strata[s]] = std::move(values);
    }
    entry["strata"] = std::move(strata);
    if (!evaluator.skipped.empty()) entry["skipped"] = evaluator.skipped;
    std::vector<UsageFigure> usage = Usage(e);
    if (!usage.empty()) {
      nlohmann::ordered_json figures = nlohmann::ordered_json::object();
      for (const UsageFigure& figure : usage) {
        if (figure.integer) {
          figures[figure.name] = static_cast<int64_t>(figure.value);
        } else {
          figures[figure.name] = RoundTo(figure.value, 6);
        }
      }
      entry["usage"] = std::move(figures);
    }
    card["evaluators"].push_back(std::move(entry));
  }
  card["warnings"] = WarningsJson(Warnings());
  return card;
}

// "## Failing and erring traces": per evaluator that has any, its first failing trace ids and
// its most common error reasons; "" when every trace passed.
std::string ScorecardBuilder::FailuresMarkdown() const {
  constexpr size_t kTopErrors = 3;
  std::string md;
  for (size_t e = 0; e < suite_.evaluators.size(); ++e) {
    const EvaluatorTally& tally = tallies_[e];
    const uint64_t failing = tally.all.n - tally.all.passes;
    if (failing == 0 && tally.all.errors == 0) continue;
    md += "- " + MarkdownCell(suite_.evaluators[e].id) + ":";
    if (failing > 0) {
      md += " " + std::to_string(failing) + " failing (";
      md += failing > tally.first_failing.size() ? "first: " : "";
      for (size_t i = 0; i < tally.first_failing.size(); ++i) {
        md += (i ? ", " : "") + MarkdownCell(tally.first_failing[i].first);
      }
      md += ")";
    }
    if (tally.all.errors > 0) {
      md += std::string(failing > 0 ? ";" : "") + " " + std::to_string(tally.all.errors) +
            (tally.all.errors == 1 ? " error" : " errors") + ", most common:";
      const std::vector<ReasonTally::Group> top = tally.error_reasons.Top(kTopErrors);
      for (size_t i = 0; i < top.size(); ++i) {
        md += std::string(i ? "," : "") + " \"" + MarkdownCell(top[i].reason) + "\" (" +
              std::to_string(top[i].count) + ")";
      }
    }
    md += "\n";
  }
  return md.empty() ? "" : "\n## Failing and erring traces\n\n" + md;
}

std::string ScorecardBuilder::Markdown() const {
  std::string md = "# Scorecard: " + MarkdownCell(suite_.name) + "\n\n";
  md += std::to_string(traces_) + " traces scored";
  if (trace_errors_) md += ", " + std::to_string(trace_errors_) + " broken traces skipped";
  md += ".\n\n";
  md += WarningsMarkdown(Warnings());
  if (sampled()) {
    md += "Sampled input: the population pass rate weights each trace by its `_sample.weight` (" +
          std::to_string(cell_index_.size()) + " cells)";
    if (without_sample()) {
      md += "; " + std::to_string(without_sample()) + " traces without `_sample` count once each";
    }
    if (malformed_) {
      md += "; " + std::to_string(malformed_) + " traces with a malformed `_sample` are left out";
    }
    md += ".\n\n";
  }
  md += "| evaluator | version | plugin | judged | errors | pass rate | 95% interval |";
  md += sampled() ? " population pass rate (95%) |\n" : "\n";
  md +=
      sampled() ? "|---|---:|---|---:|---:|---:|---|---|\n" : "|---|---:|---|---:|---:|---:|---|\n";
  for (size_t e = 0; e < suite_.evaluators.size(); ++e) {
    const ScorecardEvaluator& evaluator = suite_.evaluators[e];
    const Tally& t = tallies_[e].all;
    md += "| " + MarkdownCell(evaluator.id) + " | " + std::to_string(evaluator.version) + " | " +
          MarkdownCell(evaluator.plugin) + " | " + std::to_string(t.n) + " | " +
          std::to_string(t.errors) + " | " + Percent(t.passes, t.n) + " | " +
          WilsonText(t.passes, t.n) + " |";
    if (sampled()) {
      std::optional<PopulationRate> population = Population(tallies_[e]);
      md += population ? " " + PercentText(population->rate) + " " +
                             IntervalText(population->low, population->high) + " |"
                       : " n/a |";
    }
    md += "\n";
  }
  for (size_t e = 0; e < suite_.evaluators.size(); ++e) {
    const ScorecardEvaluator& evaluator = suite_.evaluators[e];
    if (!evaluator.skipped.empty()) {
      md +=
          "\nSkipped " + MarkdownCell(evaluator.id) + ": " + MarkdownCell(evaluator.skipped) + "\n";
    }
    std::vector<UsageFigure> usage = Usage(e);
    if (usage.empty()) continue;
    md += "\n" + MarkdownCell(evaluator.id) + " usage:";
    for (const UsageFigure& figure : usage) {
      char value[48];
      std::snprintf(value, sizeof(value), figure.integer ? "%.0f" : "%.6g", figure.value);
      md += std::string(" ") + MarkdownCell(figure.name) + " " + value + ";";
    }
    md.back() = '\n';
  }
  md += FailuresMarkdown();
  for (size_t s = 0; s < suite_.strata.size(); ++s) {
    md += "\n## Pass rate by " + MarkdownCell(suite_.strata[s]) + "\n\n";
    // Columns: stratum values seen by any evaluator, sorted.
    std::map<std::string, bool> values;
    for (const EvaluatorTally& tally : tallies_) {
      for (const auto& [value, t] : tally.strata[s]) values[value] = true;
    }
    md += "| evaluator |";
    std::string rule = "|---|";
    for (const auto& [value, unused] : values) {
      md += " " + MarkdownCell(value) + " |";
      rule += "---:|";
    }
    md += "\n" + rule + "\n";
    for (size_t e = 0; e < suite_.evaluators.size(); ++e) {
      md += "| " + MarkdownCell(suite_.evaluators[e].id) + " |";
      for (const auto& [value, unused] : values) {
        auto it = tallies_[e].strata[s].find(value);
        if (it == tallies_[e].strata[s].end() || it->second.n == 0) {
          md += " |";
        } else {
          md += " " + Percent(it->second.passes, it->second.n) +
                " (n=" + std::to_string(it->second.n) + ") |";
        }
      }
      md += "\n";
    }
  }
  return md;
}

}  // namespace arbiter
