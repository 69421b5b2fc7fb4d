// Records in batches: the reader thread of `arbiter run` and of the record scan (`sample`,
// `triage`) splits its inputs into batches so that workers parse them off the reading thread.
// A batch holds the records of one input, each text followed by simdjson's padding, so a worker
// parses them in place. A text lies either in memory the source shares (TraceRecord::owner: a
// plain file's blocks), which the batch holds, or, copied once, in the batch's own buffer; once
// batches are recycled (batch_queue.h), no allocation per record.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/status.h"
#include "runner/source/trace_source.h"

namespace arbiter {

struct RecordBatch {
  struct Record {
    const char* data = nullptr;  // in one of `held`; null: at `offset` in `text`
    size_t offset = 0;
    size_t length = 0;
    uint64_t line = 0;     // 1-based line in the input where the record starts
    uint64_t ordinal = 0;  // position among the input's readable records (0-based)
    std::string error;     // non-empty: a record the source could not read (it has no text)
  };
  size_t input = 0;  // index into the inputs
  std::string text;
  std::vector<std::shared_ptr<const void>> held;  // owners of the texts not in `text`
  size_t held_bytes = 0;  // of the texts in `held`, each with its padding, as if copied
  std::vector<Record> records;
  bool input_end = false;   // the input's last batch, which may hold no record
  uint64_t bytes_read = 0;  // of the input, after this batch (TraceSource::BytesRead)
  std::string input_hash;   // with input_end: the input's hash when SourceOptions hash it

  // The record's text, followed by simdjson::SIMDJSON_PADDING bytes that may be read (not
  // written): parse it in place with parser.parse(json.data(), json.size(), false).
  std::string_view json(const Record& record) const {
    if (record.data) return std::string_view(record.data, record.length);
    return std::string_view(text).substr(record.offset, record.length);
  }
  // The bytes of text the batch stands for, copied or held: what BatchingOptions::max_bytes caps.
  size_t bytes() const { return text.size() + held_bytes; }
  void Add(const TraceRecord& record, uint64_t ordinal);
  void Clear();
};

struct BatchingOptions {
  // A batch closes at this many records: enough to amortize the hand-offs, few enough to keep
  // latency and memory low.
  size_t max_records = 256;
  // ... or at this many bytes of text, so that large traces do not make large batches.
  size_t max_bytes = 1 << 20;
  SourceOptions source;
  // When set and true, reading stops after the next full batch (Ctrl-C); the batches read
  // until then are still delivered.
  const std::atomic<bool>* stop = nullptr;
  // When not 0, reading ends after this many records of all the inputs together, readable or not
  // (`validate --traces --limit N` reads the first N). The input cut short gets no input_end.
  uint64_t limit = 0;
  // When not empty, one entry per input: an input with a range is read only in that range of
  // its bytes, as plain JSONL (a shard's part, shard_plan.h); the others whole.
  std::vector<std::optional<ByteRange>> ranges;
};

// Called on the reader thread with each readable record, in input order, before it is batched
// (triage spools standard input with it). An error stops the read.
using RecordHook = std::function<Status(size_t input, const TraceRecord& record)>;

// Reads `inputs` one after the other into batches.
class RecordBatcher {
 public:
  // `inputs` must outlive the batcher; `hook` may be empty.
  RecordBatcher(const std::vector<std::string>& inputs, const BatchingOptions& options,
                RecordHook hook);
  ~RecordBatcher();

  // Fills `batch` (empty) with the next records of one input. False when there is nothing more
  // to read: all inputs read, a stop requested, or an error (see status()).
  bool Next(RecordBatch& batch);
  // OK, or why reading ended early: an input that cannot be opened or read, or the hook's error.
  const Status& status() const { return status_; }

 private:
  const std::vector<std::string>& inputs_;
  const BatchingOptions& options_;
  RecordHook hook_;
  size_t input_ = 0;                     // the input being read
  std::unique_ptr<TraceSource> source_;  // open while `input_` is being read
  uint64_t ordinal_ = 0;                 // readable records of `input_` so far
  uint64_t records_ = 0;                 // records of all inputs so far, for the limit
  bool last_full_ = false;               // the last batch closed full: a stop may end the read
  bool done_ = false;
  Status status_;
};

}  // namespace arbiter
