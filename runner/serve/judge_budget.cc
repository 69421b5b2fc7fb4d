#include "runner/serve/judge_budget.h"

#include <iterator>
#include <limits>

namespace arbiter {

namespace {
constexpr char kJudgePlugin[] = "llm_judge";
constexpr uint64_t kHourMs = 3600000;
}  // namespace

uint64_t JudgeCallsPerTrace(const Suite& suite) {
  uint64_t calls = 0;
  for (const LoadedEvaluator& evaluator : suite.evaluators) {
    if (evaluator.spec.plugin != kJudgePlugin || !evaluator.skipped.empty()) continue;
    // The plugin validated the param when the suite loaded: an integer of at least 1. (A missing
    // key reads as an invalid node, which must be asked IsDefined before anything else.)
    const YAML::Node samples = evaluator.spec.params["samples"];
    calls += samples.IsDefined() && samples.IsScalar() ? samples.as<uint64_t>() : 1;
  }
  return calls;
}

uint64_t WindowAllowance(uint64_t calls_per_hour, uint64_t length_ms) {
  // 128 bits: a large budget times a long window does not wrap.
  unsigned __int128 product = static_cast<unsigned __int128>(calls_per_hour) * length_ms;
  unsigned __int128 calls = product / kHourMs;
  constexpr uint64_t kMost = std::numeric_limits<uint64_t>::max();
  return calls > kMost ? kMost : static_cast<uint64_t>(calls);
}

BudgetSplit SplitByBudget(const std::vector<uint64_t>& costs, uint64_t allowance) {
  BudgetSplit split;
  for (uint64_t cost : costs) {
    if (cost > allowance - split.charged) break;
    split.charged += cost;
    ++split.chosen;
  }
  return split;
}

WindowInput SplitWindow(std::vector<std::string> carried_in, std::vector<std::string> sample,
                        uint64_t calls_per_trace, std::optional<uint64_t> allowance) {
  WindowInput input;
  input.carried_in = carried_in.size();
  std::vector<std::string> lines = std::move(carried_in);
  lines.insert(lines.end(), std::make_move_iterator(sample.begin()),
               std::make_move_iterator(sample.end()));
  BudgetSplit split{lines.size(), calls_per_trace * lines.size()};
  if (allowance)
    split = SplitByBudget(std::vector<uint64_t>(lines.size(), calls_per_trace), *allowance);
  input.charged = split.charged;
  input.carried.assign(std::make_move_iterator(lines.begin() + split.chosen),
                       std::make_move_iterator(lines.end()));
  lines.resize(split.chosen);
  input.scored = std::move(lines);
  return input;
}

}  // namespace arbiter
