// The anomaly queue of `arbiter triage`: a compact record per trace during the pass over the
// inputs, then, once every trace is known, the signals that need the others (token spikes
// against the exact median and MAD of the trace's group, re-submissions against the next turn
// of its session), the score, and the ranking with its per-session cap.
//
// Memory: 88 bytes per trace plus its trace_id (and about 50 more while ranking), whatever the
// trace's size; the traces themselves are fetched again for the queued ones only (triage_stream.h).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runner/base/status.h"
#include "runner/triage/options.h"
#include "runner/triage/signals.h"
#include "runner/triage/text_fingerprint.h"

namespace arbiter {

// A 64-bit hash of a trace's text for the last tie-break, stable across platforms and runs
// (base/hash.h, as the sampler's priorities).
uint64_t ContentHash(std::string_view text);

// A queued trace: where to fetch it, its score, and the reasons only the queue can explain.
struct QueuedTrace {
  size_t input = 0;      // index into the inputs
  uint64_t ordinal = 0;  // the record's position among its input's records (0-based)
  std::string trace_id;
  double score = 0;
  std::vector<TriageReason> reasons;  // token_spike and resubmission, when fired
};

struct TriageRanking {
  std::vector<QueuedTrace> queued;  // best first
  // Traces on which each signal fired, over all traces and over the queued ones.
  std::array<uint64_t, kTriageSignalCount> fired{};
  std::array<uint64_t, kTriageSignalCount> fired_queued{};
};

class TriageQueue {
 public:
  explicit TriageQueue(const TriageOptions& options);

  // Adds one trace (facts from LocalSignals::Read). An error when the trace cannot be kept
  // (a trace_id over 65,535 bytes is the caller's to skip; more than 4 GB of ids is an error).
  Status Add(const TraceFacts& facts, size_t input, uint64_t ordinal, uint64_t content_hash);
  size_t size() const { return records_.size(); }

  // Scores every trace and returns the queue. Independent of the order traces were added in.
  TriageRanking Finish() const;

  static constexpr size_t kMaxTraceIdBytes = 65535;

 private:
  struct Record {
    uint64_t session = 0;  // hash of session_id; 0: no session
    uint64_t content = 0;
    uint64_t timestamp_ns = 0;
    uint32_t id_offset = 0;  // trace_id in ids_
    uint32_t ordinal = 0;
    uint32_t group = 0;        // (model, intent)
    uint32_t model_group = 0;  // model alone
    uint32_t tokens = kNoTokens;
    float local_score = 0;  // weighted local signals
    uint16_t id_length = 0;
    uint16_t input = 0;
    uint8_t local_mask = 0;  // bit per fired local signal
    bool has_timestamp = false;
    TextFingerprint fingerprint;
  };
  static constexpr uint32_t kNoTokens = 0xffffffff;
  struct Group {
    std::string model, intent;
  };
  struct GroupStats {
    uint64_t n = 0;
    double median = 0, mad = 0, mean_ad = 0;
  };
  struct Spike {
    double strength = 0, z = 0;
    const GroupStats* stats = nullptr;
    bool model_wide = false;
  };

  std::string_view IdOf(const Record& record) const {
    return std::string_view(ids_).substr(record.id_offset, record.id_length);
  }
  // The id of the group named by key_ in `ids`, created when new.
  uint32_t GroupId(std::string_view model, std::string_view intent,
                   std::unordered_map<std::string, uint32_t>& ids);
  std::vector<GroupStats> Stats(uint32_t Record::*group, size_t groups) const;
  Spike SpikeOf(const Record& record, const std::vector<GroupStats>& by_group,
                const std::vector<GroupStats>& by_model) const;
  bool RanksBefore(const Record& a, double score_a, const Record& b, double score_b) const;
  std::string SpikeDetail(const Record& record, const Spike& spike) const;

  // Records in fixed blocks: growing never copies them, and memory stays proportional to the
  // count (a vector's doubling can hold twice the records it needs, and briefly three times).
  class Records {
   public:
    Record& emplace_back() {
      if (size_ % kBlock == 0) blocks_.emplace_back().reserve(kBlock);
      ++size_;
      return blocks_.back().emplace_back();
    }
    size_t size() const { return size_; }
    const Record& operator[](size_t i) const { return blocks_[i / kBlock][i % kBlock]; }

   private:
    static constexpr size_t kBlock = 1 << 16;
    std::vector<std::vector<Record>> blocks_;
    size_t size_ = 0;
  };

  const TriageOptions& options_;
  Records records_;
  std::string ids_;
  std::vector<Group> groups_;  // by Record::group
  std::unordered_map<std::string, uint32_t> group_ids_, model_ids_;
  std::string key_;  // scratch for group lookups
};

}  // namespace arbiter
