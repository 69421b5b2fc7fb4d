// Assembles spans that arrive spread over many documents, interleaved with other traces, into
// whole traces, in memory bounded by the number of OPEN traces rather than all traces.
//
// When a trace is complete (counting in documents: file-exporter lines or request bodies):
//  - its root span (no parentSpanId) has arrived and `window` documents since the last span for it
//    brought none; or
//  - its root has not arrived and `rootless_window` documents brought none (a lost or unexported
//    root must not hold a trace forever); or
//  - `max_open_traces` traces are open and a span of a new trace arrives: the least recently
//    updated open trace is emitted first (ties: the first seen); or
//  - the input ends.
// Traces completed by one document are emitted in the order they were first seen; at the end of
// input likewise. The order depends only on the input, so output is reproducible.
//
// A span whose trace was already emitted is late: Add() refuses it and the caller reports it. The
// ids of the last `emitted_memory` emitted traces are remembered for that; a span arriving after
// its trace fell out of that memory starts a new trace.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "runner/source/otlp/span.h"

namespace arbiter {

struct OtlpAssemblyOptions {
  size_t window = 64;              // documents without a span before a rooted trace is complete
  size_t rootless_window = 1024;   // the same for a trace whose root span has not arrived
  size_t max_open_traces = 10000;  // memory bound: open traces never exceed this
  size_t emitted_memory = 100000;  // emitted trace ids remembered to detect late spans
};

class OtlpAssembler {
 public:
  struct Trace {
    std::vector<OtlpSpan> spans;  // in arrival order
    uint64_t line = 0;            // the line of the document that brought its first span
  };

  explicit OtlpAssembler(const OtlpAssemblyOptions& options) : options_(options) {}

  // Adds a span from the document starting at `line`. Appends to `out` a trace evicted to make
  // room. False, and the span is dropped, when its trace was already emitted.
  bool Add(OtlpSpan&& span, uint64_t line, std::vector<Trace>& out);
  // The current document ended: appends the traces that are now complete.
  void EndDocument(std::vector<Trace>& out);
  // The input ended: appends every open trace.
  void Finish(std::vector<Trace>& out);

  size_t open_traces() const { return open_.size(); }
  size_t max_open_traces_seen() const { return max_open_seen_; }
  uint64_t evicted() const { return evicted_; }

 private:
  struct Key {
    uint64_t high = 0, low = 0;
    bool operator==(const Key& other) const { return high == other.high && low == other.low; }
  };
  struct KeyHash {
    size_t operator()(const Key& key) const {
      return static_cast<size_t>(key.high * 0x9E3779B97F4A7C15ULL ^ key.low);
    }
  };
  struct Open {
    std::vector<OtlpSpan> spans;
    uint64_t seq = 0;  // first-seen order
    uint64_t line = 0;
    uint64_t last_document = 0;
    bool has_root = false;
    std::list<Key>::iterator position;  // in rooted_ or rootless_
  };

  static Key KeyOf(const std::string& hex);
  // By value: callers pass keys that live in the lists and maps Emit erases from.
  void Emit(Key key, std::vector<Trace>& out);
  void EvictOldest(std::vector<Trace>& out);
  void Remember(const Key& key);

  OtlpAssemblyOptions options_;
  std::unordered_map<Key, Open, KeyHash> open_;
  std::list<Key> rooted_, rootless_;  // least recently updated first
  std::unordered_set<Key, KeyHash> emitted_;
  std::deque<Key> emitted_order_;
  uint64_t document_ = 0;  // index of the current document
  uint64_t next_seq_ = 0;
  size_t max_open_seen_ = 0;
  uint64_t evicted_ = 0;
};

}  // namespace arbiter
