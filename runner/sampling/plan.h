// How many traces each stratum and focus rule gets, once the populations are counted: targets
// capped by what exists, the budget (when it binds, the long tail shrinks first), and each
// stratum's split between failures and other traces. `arbiter sample --plan` prints this; the
// sampler follows it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/sampling/policy.h"

namespace arbiter {

// The Wilson 95% interval's half-width for a rate `p` observed on `n` traces.
double WilsonHalfWidth(double p, uint64_t n);

// The smallest n whose Wilson 95% half-width at rate `p` is at most `half_width`.
// REQUIRES: 0 < half_width, 0 < p < 1.
uint64_t SampleSizeForHalfWidth(double half_width, double p);

// How a stratum's `target` splits between its failure and other traces: failures get
// `multiplier` times their population share, capped by what exists; a cell that cannot fill its
// share hands the rest to the other one, and with a target of at least 2 neither non-empty cell
// is left out (an empty cell would leave its population unrepresented in the weights).
// Returns {failures, others}.
std::pair<uint64_t, uint64_t> SplitTarget(uint64_t target, uint64_t failures, uint64_t others,
                                          double multiplier);

struct StratumCounts {
  std::string key;
  uint64_t failures = 0;
  uint64_t others = 0;
};

struct FocusCounts {
  std::string name;
  uint64_t population = 0;  // traces of this run that match the rule while it is active
  uint64_t remaining = 0;   // still to collect: `collect` minus what earlier runs collected
};

struct StratumPlan {
  std::string key;
  uint64_t population = 0;
  uint64_t failures = 0;  // traces with the failure signal
  uint64_t wanted = 0;    // the policy's target, capped by the population
  uint64_t sample = 0;    // what the plan gives it (less than `wanted` when the budget binds)
  uint64_t sample_failures = 0;
  uint64_t sample_others = 0;
};

struct FocusPlan {
  std::string name;
  uint64_t population = 0;
  uint64_t remaining = 0;
  uint64_t sample = 0;
};

struct SamplePlan {
  std::vector<FocusPlan> focus;     // in policy order
  std::vector<StratumPlan> strata;  // sorted by key
  uint64_t total = 0;               // traces to sample, focus included
  bool budget_binds = false;
  // Non-empty (stratum, failure) cells given no trace (a budget too small for every stratum,
  // a target of 1 for a stratum with both kinds): their population has no trace to stand for
  // it, so population estimates leave it out. Reported, never silent.
  uint64_t cells_left_out = 0;
  uint64_t traces_left_out = 0;  // the population of those cells
  // Strata the policy's `targets` name that no trace belongs to: most often a typo.
  std::vector<std::string> unmatched_targets;
};

SamplePlan MakeSamplePlan(const SamplePolicy& policy, std::vector<StratumCounts> strata,
                          const std::vector<FocusCounts>& focus);

// What a plan should warn about: cells left without a trace, targets that name no stratum.
std::vector<std::string> PlanWarnings(const SamplePlan& plan);

// The plan for people (Markdown for a file or a comment; plain aligned text for a terminal) and
// for scripts (JSON): population, target, expected Wilson half-width at the policy's expected
// rate, and judge cost in USD when `cost_per_trace` (USD per judged trace) is set.
std::string PlanMarkdown(const SamplePlan& plan, const SamplePolicy& policy);
std::string PlanText(const SamplePlan& plan, const SamplePolicy& policy);
nlohmann::ordered_json PlanJson(const SamplePlan& plan, const SamplePolicy& policy);

}  // namespace arbiter
