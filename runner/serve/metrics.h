// The counters `/metrics` reports (Prometheus text format, version 0.0.4).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace arbiter {

struct ServeMetrics {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> requests_malformed{0};    // 400
  std::atomic<uint64_t> requests_too_large{0};    // 413
  std::atomic<uint64_t> requests_unsupported{0};  // 415
  std::atomic<uint64_t> requests_full{0};         // 503: max_inflight_traces
  std::atomic<uint64_t> requests_disk{0};         // 503: the journal could not be written
  std::atomic<uint64_t> requests_stopping{0};     // 503: shutting down
  std::atomic<uint64_t> spans_received{0};        // accepted and journaled
  std::atomic<uint64_t> spans_invalid{0};         // rejected: unreadable (no valid ids)
  std::atomic<uint64_t> spans_late{0};            // rejected: after their trace's late window
  std::atomic<uint64_t> spans_amending{0};        // spans amending a completed trace (replays too)
  std::atomic<uint64_t> spans_amending_lost{0};   // amending a trace whose window was written
  std::atomic<uint64_t> traces_assembled{0};
  std::atomic<uint64_t> traces_amended{0};  // written amended, at their window's close
  std::atomic<uint64_t> traces_unmappable{0};
  std::atomic<uint64_t> traces_sampled{0};
  std::atomic<uint64_t> traces_queued{0};  // into triage queues
  std::atomic<uint64_t> windows_closed{0};
  std::atomic<uint64_t> inflight_traces{0};  // gauge
  std::atomic<uint64_t> journal_bytes{0};    // gauge
  std::atomic<uint64_t> replayed_spans{0};   // from the journal at start
  std::atomic<uint64_t> traces_carried{0};   // by a judge budget, at each window carrying
  std::atomic<uint64_t> scoring_backlog{0};  // gauge: what the last scored window carried

  std::string Text() const;
};

}  // namespace arbiter
