// Triage's session turns kept out of memory: what re-submission detection needs of a trace (its
// session, time and 33-byte input fingerprint) is half of what the queue would hold per trace,
// and is needed only once, when every trace is known. So each worker spills its turns to a
// scratch file during the first read, and the end of the pass reads them back a bucket of
// whole sessions at a time: memory per bucket, not per trace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "runner/base/status.h"
#include "runner/triage/scratch_file.h"
#include "runner/triage/text_fingerprint.h"

namespace arbiter {

struct SessionTurn {
  uint64_t session = 0;  // hash of session_id, never 0
  uint64_t timestamp_ns = 0;
  uint32_t index = 0;           // the trace's record: its shard's while spilled, the queue's after
  bool has_timestamp = false;   // false: kept for the per-session cap only, not a turn
  TextFingerprint fingerprint;  // empty without an input
};

// One worker's turns, in the order it met them.
class TurnSpill {
 public:
  static Result<std::unique_ptr<TurnSpill>> Create();
  Status Append(const SessionTurn& turn);
  uint64_t size() const { return size_; }
  // Reads every turn back, in order, in chunks; `visit` may change them.
  Status ReadBack(const std::function<Status(std::vector<SessionTurn>&)>& visit);

 private:
  explicit TurnSpill(std::unique_ptr<ScratchFile> file) : file_(std::move(file)) {}
  std::unique_ptr<ScratchFile> file_;
  uint64_t size_ = 0;
};

// About this many turns to a bucket (3.5 MiB): few buckets for a million traces, and a flat
// memory for any count up to kMaxSessionBuckets times this.
inline constexpr size_t kSessionBucketTurns = 1 << 16;
inline constexpr size_t kMaxSessionBuckets = 256;

// Calls `visit` with every turn of `spills` once, the turns of a session always in the same
// call, `index` made global (to_global(k, index) for spill k's). Buckets are split by session hash
// so that each holds about `bucket_turns`; their order and the order within them are
// unspecified. An error is a scratch file's or `visit`'s.
Status VisitSessionBuckets(const std::vector<TurnSpill*>& spills,
                           const std::function<uint32_t(size_t, uint32_t)>& to_global,
                           size_t bucket_turns,
                           const std::function<Status(std::vector<SessionTurn>&)>& visit);

}  // namespace arbiter
