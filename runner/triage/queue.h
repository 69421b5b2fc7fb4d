// The anomaly queue of `arbiter triage`: a compact record per trace during the pass over the
// inputs, then, once every trace is known, the signals that need the others (token spikes
// against the median and MAD of the trace's group, exact or streamed through a quantile sketch
// per group, re-submissions against the next turn of its session), the score, and the ranking
// with its per-session cap.
//
// Memory: 36 bytes per trace plus its trace_id, whatever the trace's size; at the end, 24 per
// re-submission found, and while the group medians are found either 4 more per trace (exact)
// or a sketch per group and model (streaming, at most 44 KiB each at 1,000,000 traces). A trace's
// session turn (session, time, input fingerprint: 56 bytes) goes to a scratch file instead and
// comes back a bucket of sessions at a time (session_turns.h). The ranking keeps only the traces
// that can reach its head, not every trace with a score. The traces themselves are fetched again
// for the queued ones only (stream.h).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runner/base/hash.h"
#include "runner/base/status.h"
#include "runner/triage/blocks.h"
#include "runner/triage/options.h"
#include "runner/triage/session_turns.h"
#include "runner/triage/signals.h"
#include "runner/triage/token_stats.h"

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
  struct Record;
  struct Group {
    std::string model, intent;
  };
  using GroupIds = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;

 public:
  static constexpr size_t kMaxTraceIdBytes = StringArena::kMaxEntry;

  // One worker's part of the queue: workers add traces to their own shards without a lock.
  class Shard {
   public:
    // Adds one trace (facts from LocalSignals::Read). An error when the trace cannot be kept
    // (a trace_id over 65,535 bytes is the caller's to skip; more than 4 GB of ids is an
    // error), or the scratch file fails.
    Status Add(const TraceFacts& facts, size_t input, uint64_t ordinal, uint64_t content_hash);
    size_t size() const { return records_.size(); }

   private:
    friend class TriageQueue;
    Shard(const TriageOptions& options, uint16_t index) : options_(options), index_(index) {}
    const TriageOptions& options_;
    uint16_t index_;
    BlockVector<Record> records_;
    StringArena ids_;
    GroupIds group_ids_;                // (model, intent) key -> the shard's group id
    std::vector<Group> groups_;         // by the shard's group id
    std::unique_ptr<TurnSpill> turns_;  // created with the first trace that has a session
    std::string key_;                   // scratch for group lookups
    // Whether the records came in input order, (input, ordinal) rising, as ScanRecords hands
    // its batches out; the streaming group figures rely on it or sort.
    uint64_t last_position_ = 0;
    bool in_order_ = true;
  };

  // `shards`: at most 65,536, one per worker.
  TriageQueue(const TriageOptions& options, size_t shards);
  ~TriageQueue();
  Shard& shard(size_t i) { return *shards_[i]; }
  size_t size() const;

  // Scores every trace and returns the queue; once, after every Add. Independent of the order
  // traces were added in and of the shard that took each. An error is a scratch file's, or more
  // than 4,294,967,295 traces.
  Result<TriageRanking> Finish() { return Finish(kSessionBucketTurns); }
  // With buckets of sessions of about `bucket_turns` turns (session_turns.h), for tests.
  Result<TriageRanking> Finish(size_t bucket_turns);

 private:
  // 36 bytes: the fields of Record are 4-byte words at most, so arrays of it have no padding.
  struct Record {
    uint32_t content[2] = {0, 0};  // ContentHash, low word first
    uint32_t id_offset = 0;        // trace_id in its shard's ids_
    uint32_t ordinal = 0;
    uint32_t group = 0;  // (model, intent): the shard's id, then the queue's once finishing
    uint32_t tokens = kNoTokens;
    float local_score = 0;  // weighted local signals
    uint16_t id_length = 0;
    uint16_t input = 0;
    uint16_t shard = 0;
    uint8_t local_mask = 0;  // bit per fired local signal

    uint64_t content_hash() const { return uint64_t{content[1]} << 32 | content[0]; }
  };
  static_assert(sizeof(Record) == 36, "the per-trace record that docs/PERFORMANCE.md counts");
  static constexpr uint32_t kNoTokens = 0xffffffff;
  using GroupStats = TokenStats;
  struct Spike {
    double strength = 0, z = 0;
    const GroupStats* stats = nullptr;
    bool model_wide = false;
  };
  // A turn judged a re-submission: the next turn of its session came soon with a like input.
  struct Resubmission {
    uint32_t index = 0, successor = 0;
    float similarity = 0;
    uint64_t gap_ns = 0;
  };
  struct SessionOf {
    uint32_t index = 0;
    uint64_t session = 0;
  };
  struct Candidate {
    double score = 0;
    uint32_t index = 0;
  };

  // Where a shard's records went in records_: its full blocks moved whole, its last partial
  // block copied after every shard's full blocks.
  struct ShardPlace {
    uint32_t moved_base = 0, moved = 0, tail_base = 0, size = 0;
    uint32_t Global(uint32_t local) const {
      return local < moved ? moved_base + local : tail_base + (local - moved);
    }
  };

  std::string_view IdOf(const Record& record) const {
    return shards_[record.shard]->ids_.Get(record.id_offset, record.id_length);
  }
  // Moves the shards' records into records_ with the queue's group ids, and sets places_.
  Status Merge();
  // Exact medians by group, or by model with `to_model` (group -> model).
  std::vector<GroupStats> Stats(const std::vector<uint32_t>* to_model, size_t groups) const;
  // by_group_ and by_model_ from a sketch each, fed in input order.
  void StreamStats();
  // Calls visit(record) for every record in input order: the order the sketches must see, the
  // same whatever the threads and shards.
  template <typename Visit>
  void ForEachInInputOrder(Visit&& visit) const;
  Spike SpikeOf(const Record& record) const;
  double ScoreOf(const Record& record, const Spike& spike, const Resubmission* resubmission) const;
  double ResubmissionStrength(float similarity) const;
  bool RanksBefore(const Record& a, double score_a, const Record& b, double score_b) const;
  // The re-submissions in one bucket of sessions, added to resubmissions_.
  void JudgeSessions(std::vector<SessionTurn>& turns);
  // Calls visit(index, record, spike, resubmission or null, score) for every trace, in order.
  template <typename Visit>
  void ForEachScore(Visit&& visit) const;
  // The candidates (score > 0) that can be among the first `prefix` of the ranking: those
  // scoring at least the prefix-th best score, ties included, so that no full list is kept.
  std::vector<Candidate> HeadCandidates(size_t prefix) const;
  // sessions_ for the first `count` of `ranked`, read back from the spills.
  Status LoadSessions(const std::vector<Candidate>& ranked, size_t count);
  std::vector<TurnSpill*> Spills(std::vector<size_t>& shard_of) const;
  std::string SpikeDetail(const Record& record, const Spike& spike) const;

  const TriageOptions& options_;
  std::vector<std::unique_ptr<Shard>> shards_;
  // Set by Finish.
  BlockVector<Record> records_;
  std::vector<ShardPlace> places_;  // by shard
  std::vector<Group> groups_;       // by the queue's group id
  std::vector<uint32_t> model_of_;  // group -> model
  size_t models_ = 0;
  std::vector<GroupStats> by_group_, by_model_;
  std::vector<Resubmission> resubmissions_;  // by index once judged
  std::vector<SessionOf> sessions_;          // of the ranking's head, by index
};

}  // namespace arbiter
