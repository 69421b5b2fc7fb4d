// Live figures of the calls a plugin makes to a service (an LLM judge's HTTP calls), for the
// progress display of `arbiter run` on a terminal. Read from another thread about once a second
// while the run goes on (Evaluator::Live): a snapshot of counters, never written to an output,
// since they depend on timing (Evaluator::Usage is what the scorecard keeps).
#pragma once

#include <cstdint>
#include <optional>

namespace arbiter {

struct LiveCalls {
  int64_t in_flight = 0;           // requests sent and not answered yet
  int64_t done = 0;                // calls answered
  int64_t retried = 0;             // attempts that were retried (a 429, a 5xx, a timeout)
  int64_t rate_limited = 0;        // 429 answers, retried or not
  int64_t failed = 0;              // calls that failed for good, after their retries
  std::optional<double> cost_usd;  // spent so far, when the plugin knows its price

  // The figures of several evaluators together (the display shows one judge line).
  LiveCalls& operator+=(const LiveCalls& other) {
    in_flight += other.in_flight;
    done += other.done;
    retried += other.retried;
    rate_limited += other.rate_limited;
    failed += other.failed;
    if (other.cost_usd) cost_usd = cost_usd.value_or(0) + *other.cost_usd;
    return *this;
  }
};

}  // namespace arbiter
