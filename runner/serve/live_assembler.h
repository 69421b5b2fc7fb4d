// Assembles live spans into traces by time (the file reader's OtlpAssembler counts documents
// instead): a trace is complete at `last span received + quiet` once its root span has arrived,
// at `last span received + rootless` while it has not. The completion time is computed from the
// receive times alone, never from when a sweep happened to run, so replaying the journal (whose
// records carry their receive times) completes every trace at the same moment and into the same
// window as the uninterrupted run did.
//
// A span for a completed trace within `late` of its completion amends it (Verdict::kAmend: the
// receiver records it against the trace's window, which is written only `late` after its end);
// the trace is remembered for `late` after its completion. After that its id is kept among the
// last `late_ids` forgotten ones (a 64-bit hash each), and a span of it is late (IsLate): the
// receiver refuses it. An id forgotten longer ago than that starts a new trace.
#pragma once

#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "runner/source/otlp/span.h"

namespace arbiter {

struct LiveAssemblyOptions {
  uint64_t quiet_ms = 30000;
  uint64_t rootless_ms = 600000;
  uint64_t late_ms = 600000;
  uint64_t late_ids = 1000000;  // forgotten trace ids remembered to count late spans; 0: none
};

class LiveAssembler {
 public:
  struct Trace {
    std::string trace_id;
    std::vector<OtlpSpan> spans;  // in arrival order
    uint64_t complete_ms = 0;     // when it became complete
  };

  // What a completed trace was when it was emitted, which an amendment names it by: its first
  // span's receive time tells it from a later trace that reuses its id, and its span count which
  // of its spans (in arrival order) it was emitted with.
  struct Emitted {
    uint64_t complete_ms = 0;
    uint64_t first_recv_ms = 0;
    uint32_t spans = 0;
  };
  enum class Verdict {
    kAssemble,  // an open trace's span, or a new trace's: Add() it
    kAmend,     // a span of a trace completed within `late`: described in `*amended`
  };

  explicit LiveAssembler(const LiveAssemblyOptions& options) : options_(options) {}

  // What a span of `trace_id` received at `recv_ms` is. A trace that is already complete at
  // `recv_ms` is emitted into `out` first (so the answer does not depend on when the last sweep
  // ran), and the span then amends it.
  Verdict Accepts(const std::string& trace_id, uint64_t recv_ms, std::vector<Trace>& out,
                  Emitted* amended);
  enum class Arrival {
    kNew,    // it would open a new trace
    kKnown,  // its trace is open, or completed and remembered (the span would amend it)
    kLate,   // after its trace's late window: neither open nor remembered, but among the last
             // `late_ids` forgotten
  };
  // What a span of `trace_id` received at `recv_ms` would be, asked before it is journaled: the
  // receiver refuses late spans and bounds the traces in flight by the new ones.
  Arrival Classify(const std::string& trace_id, uint64_t recv_ms);
  bool IsLate(const std::string& trace_id, uint64_t recv_ms) {
    return Classify(trace_id, recv_ms) == Arrival::kLate;
  }
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
    uint64_t first_recv_ms = 0;
    bool has_root = false;
  };
  using Due = std::pair<uint64_t, uint64_t>;  // (complete_ms, seq)

  void Emit(std::unordered_map<std::string, Open>::iterator it, uint64_t complete_ms,
            std::vector<Trace>& out);
  void Forget(uint64_t now_ms);
  void Remember(uint64_t key);  // one more forgotten trace, for Classify

  LiveAssemblyOptions options_;
  std::unordered_map<std::string, Open> open_;
  std::set<Due> due_;
  std::unordered_map<uint64_t, std::string> by_seq_;
  // Completed traces remembered for `late_ms`, by a 64-bit hash of the trace id rather than the
  // id: at 10,000 traces/s a 10-minute late window remembers 6 million of them, and two strings
  // each cost about four times the memory. A collision (about 1 in 10^6 at that count) would
  // take a new trace's spans for an amendment of the other (whose window then finds no such
  // trace and keeps them as a trace of their own, as docs/SERVE.md says).
  std::unordered_map<uint64_t, Emitted> emitted_;            // Hash64(trace id) -> what it was
  std::deque<std::pair<uint64_t, uint64_t>> emitted_order_;  // (completion time, hash)
  // Hashes of the last `late_ids` traces forgotten, oldest first in the deque; an id forgotten
  // twice has two entries there, and leaves the set with its first.
  std::unordered_set<uint64_t> forgotten_;
  std::deque<uint64_t> forgotten_order_;
  uint64_t next_seq_ = 0;
};

}  // namespace arbiter
