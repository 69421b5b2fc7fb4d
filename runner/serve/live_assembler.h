// Assembles live spans into traces by time (the file reader's OtlpAssembler counts documents
// instead): a trace is complete at `last span received + quiet` once its root span has arrived,
// at `last span received + rootless` while it has not. The completion time is computed from the
// receive times alone, never from when a sweep happened to run, so replaying the journal (whose
// records carry their receive times) completes every trace at the same moment and into the same
// window as the uninterrupted run did.
//
// A span for a completed trace is late: refused while the trace is remembered (`late` after its
// completion), after that it starts a new trace.
#pragma once

#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runner/source/otlp/span.h"

namespace arbiter {

struct LiveAssemblyOptions {
  uint64_t quiet_ms = 30000;
  uint64_t rootless_ms = 600000;
  uint64_t late_ms = 600000;
};

class LiveAssembler {
 public:
  struct Trace {
    std::string trace_id;
    std::vector<OtlpSpan> spans;  // in arrival order
    uint64_t complete_ms = 0;     // when it became complete
  };

  explicit LiveAssembler(const LiveAssemblyOptions& options) : options_(options) {}

  // Whether a span of `trace_id` received at `recv_ms` would be accepted. A trace that is already
  // complete at `recv_ms` is emitted into `out` first (so the answer does not depend on when the
  // last sweep ran).
  bool Accepts(const std::string& trace_id, uint64_t recv_ms, std::vector<Trace>& out);
  // Whether a span of `trace_id` would open a new trace (for the in-flight bound).
  bool IsOpen(const std::string& trace_id) const { return open_.count(trace_id) > 0; }
  // Adds a span that Accepts() allowed.
  void Add(OtlpSpan&& span, uint64_t recv_ms);
  // Emits the traces complete at `now_ms`, by completion time (ties: first seen).
  void Sweep(uint64_t now_ms, std::vector<Trace>& out);
  // Emits every open trace as it is, completed at `now_ms` (shutting down).
  void Flush(uint64_t now_ms, std::vector<Trace>& out);

  size_t open_traces() const { return open_.size(); }
  std::vector<std::string> OpenIds() const;

 private:
  struct Open {
    std::vector<OtlpSpan> spans;
    uint64_t seq = 0;
    uint64_t complete_ms = 0;
    bool has_root = false;
  };
  using Due = std::pair<uint64_t, uint64_t>;  // (complete_ms, seq)

  void Emit(std::unordered_map<std::string, Open>::iterator it, uint64_t complete_ms,
            std::vector<Trace>& out);
  void Forget(uint64_t now_ms);

  LiveAssemblyOptions options_;
  std::unordered_map<std::string, Open> open_;
  std::set<Due> due_;
  std::unordered_map<uint64_t, std::string> by_seq_;
  // Completed traces remembered for `late_ms`, by a 64-bit hash of the trace id rather than the
  // id: at 10,000 traces/s a 10-minute late window remembers 6 million of them, and two strings
  // each cost about four times the memory. A collision (about 1 in 10^6 at that count) would
  // refuse a new trace's spans as late.
  std::unordered_map<uint64_t, uint64_t> emitted_;           // Hash64(trace id) -> completion time
  std::deque<std::pair<uint64_t, uint64_t>> emitted_order_;  // (completion time, hash)
  uint64_t next_seq_ = 0;
};

}  // namespace arbiter
