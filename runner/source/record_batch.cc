#include "runner/source/record_batch.h"

#include <simdjson.h>

namespace arbiter {
namespace {

// A batch that once held a huge trace gives its memory back rather than pinning it.
constexpr size_t kMaxKeptBytes = 8 << 20;

}  // namespace

void RecordBatch::Add(const TraceRecord& record, uint64_t ordinal) {
  Record& added = records.emplace_back();
  added.line = record.line;
  added.ordinal = ordinal;
  if (!record.error.empty()) {
    added.error = record.error;
    return;
  }
  added.length = record.json.size();
  if (record.owner) {
    added.data = record.json.data();
    if (held.empty() || held.back() != record.owner) held.push_back(record.owner);
    held_bytes += record.json.size() + simdjson::SIMDJSON_PADDING;
    return;
  }
  added.offset = text.size();
  text.append(record.json);
  text.append(simdjson::SIMDJSON_PADDING, ' ');
}

void RecordBatch::Clear() {
  input = 0;
  text.clear();
  if (text.capacity() > kMaxKeptBytes) std::string().swap(text);
  held.clear();  // the last holder of a block gives it back for the next read
  held_bytes = 0;
  records.clear();
  input_end = false;
  bytes_read = 0;
  input_hash.clear();
}

RecordBatcher::RecordBatcher(const std::vector<std::string>& inputs, const BatchingOptions& options,
                             RecordHook hook)
    : inputs_(inputs), options_(options), hook_(std::move(hook)) {}

RecordBatcher::~RecordBatcher() = default;

bool RecordBatcher::Next(RecordBatch& batch) {
  if (done_) return false;
  // Checked between batches, so a stop never cuts an input's records in the middle of one.
  if (last_full_ && options_.stop && options_.stop->load()) {
    done_ = true;
    return false;
  }
  if (options_.limit > 0 && records_ >= options_.limit) {
    done_ = true;
    return false;
  }
  if (!source_) {
    if (input_ == inputs_.size()) {
      done_ = true;
      return false;
    }
    const bool ranged = input_ < options_.ranges.size() && options_.ranges[input_];
    Result<std::unique_ptr<TraceSource>> source =
        ranged ? OpenTraceSourceRange(inputs_[input_], *options_.ranges[input_], options_.source)
               : OpenTraceSource(inputs_[input_], options_.source);
    if (!source.ok()) {
      status_ = source.status();
      done_ = true;
      return false;
    }
    source_ = std::move(*source);
    ordinal_ = 0;
  }
  batch.input = input_;
  TraceRecord record;
  while (source_->Next(record)) {
    if (record.error.empty()) {
      if (hook_) {
        Status hooked = hook_(input_, record);
        if (!hooked.ok()) {
          status_ = std::move(hooked);
          done_ = true;
          return false;
        }
      }
      batch.Add(record, ordinal_++);
    } else {
      batch.Add(record, ordinal_);
    }
    ++records_;
    if (batch.records.size() >= options_.max_records || batch.bytes() >= options_.max_bytes ||
        (options_.limit > 0 && records_ >= options_.limit)) {
      last_full_ = true;
      batch.bytes_read = source_->BytesRead();
      return true;
    }
  }
  if (!source_->status().ok()) {
    status_ = source_->status();
    done_ = true;
    return false;
  }
  // The input's last batch carries its hash, possibly with no records.
  batch.input_end = true;
  batch.input_hash = source_->InputHash();
  batch.bytes_read = source_->BytesRead();
  source_.reset();
  ++input_;
  last_full_ = false;
  return true;
}

}  // namespace arbiter
