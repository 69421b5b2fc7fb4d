#include "runner/sampling/plan.h"

#include <algorithm>
#include <cmath>

#include "runner/base/report_text.h"
#include "runner/base/text_table.h"
#include "runner/stats/stats.h"

namespace arbiter {
namespace {

std::string Money(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.4g", value);
  return buffer;
}

// The order in which strata are funded when the budget binds: the strata the policy names
// first (they were named for a reason), then by population, largest first, then by key.
std::vector<size_t> FundingOrder(const SamplePolicy& policy,
                                 const std::vector<StratumPlan>& strata) {
  std::vector<size_t> order(strata.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    bool named_a = policy.Names(strata[a].key), named_b = policy.Names(strata[b].key);
    if (named_a != named_b) return named_a;
    if (strata[a].population != strata[b].population) {
      return strata[a].population > strata[b].population;
    }
    return strata[a].key < strata[b].key;
  });
  return order;
}

void FitBudget(const SamplePolicy& policy, uint64_t budget, SamplePlan& plan) {
  uint64_t left = budget;
  for (FocusPlan& focus : plan.focus) {
    focus.sample = std::min(focus.sample, left);
    left -= focus.sample;
  }
  std::vector<size_t> order = FundingOrder(policy, plan.strata);
  for (size_t i : order) {  // first a floor for every stratum...
    StratumPlan& stratum = plan.strata[i];
    stratum.sample = std::min({stratum.wanted, policy.min_per_stratum, left});
    left -= stratum.sample;
  }
  for (size_t i : order) {  // ...then the rest, in funding order
    StratumPlan& stratum = plan.strata[i];
    uint64_t extra = std::min(stratum.wanted - stratum.sample, left);
    stratum.sample += extra;
    left -= extra;
  }
}

}  // namespace

double WilsonHalfWidth(double p, uint64_t n) {
  auto [low, high] = WilsonInterval(p * static_cast<double>(n), static_cast<double>(n));
  return (high - low) / 2;
}

uint64_t SampleSizeForHalfWidth(double half_width, double p) {
  // The half-width falls as n grows; find the first n at or below the wanted one.
  uint64_t low = 1, high = uint64_t{1} << 40;
  while (low < high) {
    uint64_t middle = low + (high - low) / 2;
    if (WilsonHalfWidth(p, middle) <= half_width) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}

std::pair<uint64_t, uint64_t> SplitTarget(uint64_t target, uint64_t failures, uint64_t others,
                                          double multiplier) {
  if (failures + others <= target) return {failures, others};
  double weighted_failures = multiplier * static_cast<double>(failures);
  double share = weighted_failures / (weighted_failures + static_cast<double>(others));
  uint64_t for_failures =
      std::min<uint64_t>(failures, std::llround(share * static_cast<double>(target)));
  if (target >= 2 && failures > 0 && others > 0) {
    for_failures = std::clamp<uint64_t>(for_failures, 1, target - 1);
  }
  uint64_t for_others = std::min(others, target - for_failures);
  for_failures = std::min(failures, target - for_others);  // others could not fill their share
  return {for_failures, for_others};
}

std::vector<std::string> PlanWarnings(const SamplePlan& plan) {
  std::vector<std::string> warnings;
  if (plan.cells_left_out > 0) {
    warnings.push_back(std::to_string(plan.cells_left_out) + " stratum cells (" +
                       std::to_string(plan.traces_left_out) +
                       " traces) get no sampled trace, so no weight stands for them and "
                       "population figures leave them out; raise the budget or the targets, or "
                       "use fewer strata");
  }
  for (const std::string& key : plan.unmatched_targets) {
    warnings.push_back("targets names stratum '" + key + "', which no trace belongs to");
  }
  return warnings;
}

SamplePlan MakeSamplePlan(const SamplePolicy& policy, std::vector<StratumCounts> strata,
                          const std::vector<FocusCounts>& focus) {
  SamplePlan plan;
  uint64_t wanted_total = 0;
  for (const FocusCounts& counts : focus) {
    FocusPlan rule{counts.name, counts.population, counts.remaining,
                   std::min(counts.remaining, counts.population)};
    wanted_total += rule.sample;
    plan.focus.push_back(rule);
  }
  std::sort(strata.begin(), strata.end(),
            [](const StratumCounts& a, const StratumCounts& b) { return a.key < b.key; });
  for (StratumCounts& counts : strata) {
    StratumPlan stratum;
    stratum.key = std::move(counts.key);
    stratum.failures = counts.failures;
    stratum.population = counts.failures + counts.others;
    stratum.wanted = std::min(policy.TargetFor(stratum.key), stratum.population);
    stratum.sample = stratum.wanted;
    wanted_total += stratum.wanted;
    plan.strata.push_back(std::move(stratum));
  }
  for (const auto& target : policy.targets) {
    const auto& key = target.first;  // a named variable: clang 14 cannot capture a binding
    bool found = std::any_of(plan.strata.begin(), plan.strata.end(),
                             [&](const StratumPlan& stratum) { return stratum.key == key; });
    if (!found) plan.unmatched_targets.push_back(key);
  }
  if (policy.budget && wanted_total > *policy.budget) {
    plan.budget_binds = true;
    FitBudget(policy, *policy.budget, plan);
  }
  for (const FocusPlan& rule : plan.focus) plan.total += rule.sample;
  for (StratumPlan& stratum : plan.strata) {
    auto [failures, others] =
        SplitTarget(stratum.sample, stratum.failures, stratum.population - stratum.failures,
                    policy.failure_multiplier);
    stratum.sample_failures = failures;
    stratum.sample_others = others;
    plan.total += stratum.sample;
    for (auto [population, sample] : {std::pair(stratum.failures, failures),
                                      std::pair(stratum.population - stratum.failures, others)}) {
      if (population > 0 && sample == 0) {
        ++plan.cells_left_out;
        plan.traces_left_out += population;
      }
    }
  }
  return plan;
}

namespace {

// The plan for people, as Markdown or as plain text for a terminal.
std::string PlanReport(const SamplePlan& plan, const SamplePolicy& policy, bool markdown) {
  auto cell = [&](std::string_view text) {
    return markdown ? MarkdownCell(text) : PlainCell(text);
  };
  auto table = [&](const TextTable& t) { return markdown ? t.Markdown() : t.Plain(); };
  std::string md =
      (markdown ? "# Sampling plan: " : "Sampling plan: ") + cell(policy.file.string()) + "\n\n";
  uint64_t population = 0;
  for (const StratumPlan& stratum : plan.strata) population += stratum.population;
  for (const FocusPlan& rule : plan.focus) population += rule.population;
  md += std::to_string(plan.total) + " of " + std::to_string(population) + " traces";
  if (policy.budget) {
    md += ", budget " + std::to_string(*policy.budget) +
          (plan.budget_binds ? " (binds: the smallest strata shrink first)" : " (does not bind)");
  }
  md += ". Half-widths are Wilson 95% at an expected rate of " + NumberText(policy.expected_rate) +
        ".\n";
  for (const std::string& warning : PlanWarnings(plan)) {
    md += (markdown ? "\n**Warning:** " : "\nWarning: ") + cell(warning) + "\n";
  }
  const bool cost = policy.cost_per_trace.has_value();
  TextTable strata;
  strata.header = {"stratum", "population",       "failures",       "target",
                   "sample",  "failures sampled", "others sampled", "half-width"};
  strata.right = {false, true, true, true, true, true, true, true, true};
  if (cost) strata.header.push_back("judge cost, USD");
  for (const StratumPlan& stratum : plan.strata) {
    std::vector<std::string>& row = strata.rows.emplace_back();
    row = {stratum.key,
           std::to_string(stratum.population),
           std::to_string(stratum.failures),
           std::to_string(stratum.wanted),
           std::to_string(stratum.sample),
           std::to_string(stratum.sample_failures),
           std::to_string(stratum.sample_others),
           stratum.sample ? "±" + PercentText(WilsonHalfWidth(policy.expected_rate, stratum.sample))
                          : std::string("-")};
    if (cost) row.push_back(Money(static_cast<double>(stratum.sample) * *policy.cost_per_trace));
  }
  md += "\n" + table(strata);
  if (!plan.focus.empty()) {
    TextTable focus;
    focus.header = {"focus rule", "population", "still to collect", "sample"};
    focus.right = {false, true, true, true};
    for (const FocusPlan& rule : plan.focus) {
      focus.rows.push_back({rule.name, std::to_string(rule.population),
                            std::to_string(rule.remaining), std::to_string(rule.sample)});
    }
    md += "\n" + table(focus);
  }
  if (cost) {
    md += "\nJudge cost: " + Money(static_cast<double>(plan.total) * *policy.cost_per_trace) +
          " USD (" + std::to_string(plan.total) + " traces at " +
          NumberText(*policy.cost_per_trace) + " USD each).\n";
  }
  return md;
}

}  // namespace

std::string PlanMarkdown(const SamplePlan& plan, const SamplePolicy& policy) {
  return PlanReport(plan, policy, /*markdown=*/true);
}

std::string PlanText(const SamplePlan& plan, const SamplePolicy& policy) {
  return PlanReport(plan, policy, /*markdown=*/false);
}

nlohmann::ordered_json PlanJson(const SamplePlan& plan, const SamplePolicy& policy) {
  nlohmann::ordered_json json;
  json["policy"] = policy.file.string();
  json["total"] = plan.total;
  json["budget"] = policy.budget ? nlohmann::ordered_json(*policy.budget) : nullptr;
  json["budget_binds"] = plan.budget_binds;
  json["warnings"] = PlanWarnings(plan);
  json["cells_left_out"] = plan.cells_left_out;
  json["traces_left_out"] = plan.traces_left_out;
  json["expected_rate"] = policy.expected_rate;
  auto cost = [&](uint64_t traces) -> nlohmann::ordered_json {
    if (!policy.cost_per_trace) return nullptr;
    return RoundTo(static_cast<double>(traces) * *policy.cost_per_trace, 6);
  };
  json["judge_cost"] = cost(plan.total);
  json["strata"] = nlohmann::ordered_json::array();
  for (const StratumPlan& stratum : plan.strata) {
    json["strata"].push_back(
        {{"stratum", stratum.key},
         {"population", stratum.population},
         {"failures", stratum.failures},
         {"target", stratum.wanted},
         {"sample", stratum.sample},
         {"sample_failures", stratum.sample_failures},
         {"sample_others", stratum.sample_others},
         {"half_width", stratum.sample
                            ? nlohmann::ordered_json(RoundTo(
                                  WilsonHalfWidth(policy.expected_rate, stratum.sample), kDigits))
                            : nlohmann::ordered_json(nullptr)},
         {"judge_cost", cost(stratum.sample)}});
  }
  json["focus"] = nlohmann::ordered_json::array();
  for (const FocusPlan& rule : plan.focus) {
    json["focus"].push_back({{"name", rule.name},
                             {"population", rule.population},
                             {"remaining", rule.remaining},
                             {"sample", rule.sample}});
  }
  return json;
}

}  // namespace arbiter
