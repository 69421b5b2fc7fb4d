// `arbiter serve --judge-budget N`: at most N judge calls per hour on the windows' samples. A
// window gets N times its length in hours; its input (the traces the window before carried, oldest
// first, then its own sample) is scored as far as the allowance goes and the rest is carried to
// the next window, never dropped. Pure functions, so the split of a window is the same each time
// it is computed from the same files (a rescore after a crash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runner/suite/suite.h"

namespace arbiter {

// The most judge calls scoring one trace with `suite` can make: the `samples` (default 1) of each
// LLM-judge evaluator that runs here (a skipped one makes none). An upper bound: an evaluator's
// `when` may leave a trace out, and the response cache answers repeats without a call. Retries of
// a failed call are not counted (the judge's `retry_budget` bounds those).
uint64_t JudgeCallsPerTrace(const Suite& suite);

// The judge calls a window of `length_ms` may make at `calls_per_hour`, rounded down: a partial
// window (closed by a shutdown) gets its share. An allowance left unused is not carried over.
uint64_t WindowAllowance(uint64_t calls_per_hour, uint64_t length_ms);

struct BudgetSplit {
  size_t chosen = 0;     // the first `chosen` traces are scored, the rest carried
  uint64_t charged = 0;  // their cost together
};

// Takes the traces in order while the sum of their `costs` fits `allowance`, and stops at the first
// that does not, so that what is carried keeps the order of the input (the earliest window's
// first).
BudgetSplit SplitByBudget(const std::vector<uint64_t>& costs, uint64_t allowance);

// A window's traces (JSON lines, each with its own window's `_sample` mark) split by the budget.
struct WindowInput {
  std::vector<std::string> scored;   // scored in this window, in this order
  std::vector<std::string> carried;  // left to the next window, in the order of the input
  size_t carried_in = 0;             // how many of the input came from the window before
  uint64_t charged = 0;              // the judge calls the scored traces may make at most
};

// The input of a window is what the window before carried, then its own sample; each trace costs
// `calls_per_trace`. Without an `allowance` (no budget) every trace is scored.
WindowInput SplitWindow(std::vector<std::string> carried_in, std::vector<std::string> sample,
                        uint64_t calls_per_trace, std::optional<uint64_t> allowance);

}  // namespace arbiter
