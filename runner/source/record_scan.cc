#include "runner/source/record_scan.h"

#include <mutex>
#include <variant>

#include "runner/source/batched_read.h"
#include "runner/source/trace_records.h"

namespace arbiter {

Status ScanRecords(const std::vector<std::string>& inputs, const SourceOptions& options,
                   size_t workers, std::FILE* diagnostics, uint64_t& skipped,
                   const ScanCallbacks& callbacks,
                   const std::vector<std::optional<ByteRange>>& ranges) {
  BatchedReadOptions read;
  read.workers = workers;
  // Two batches waiting for each worker besides the one it works on.
  read.max_in_flight = 3 * workers;
  read.batching.max_records = 512;
  read.batching.source = options;
  read.batching.ranges = ranges;

  std::mutex mutex;  // guards `skipped` and the diagnostics
  BatchedReadCallbacks<std::monostate> batched;
  if (callbacks.read) {
    batched.read = [&](size_t input, const TraceRecord& record) {
      return callbacks.read(input, record.json);
    };
  }
  batched.work = [&](size_t worker, RecordBatch& batch, std::monostate&) -> Status {
    for (const RecordBatch::Record& record : batch.records) {
      std::string reason;
      if (!record.error.empty()) {
        reason = record.error;  // unreadable: the source says why
      } else {
        ARBITER_ASSIGN_OR_RETURN(
            std::string parsed,
            callbacks.parse(worker, ScannedRecord{batch.input, record.ordinal, record.line,
                                                  batch.json(record)}));
        if (parsed.empty()) continue;
        reason = std::move(parsed);
      }
      std::lock_guard lock(mutex);
      std::fprintf(diagnostics, "%s\n",
                   SkipMessage(inputs[batch.input], record.line, reason).c_str());
      ++skipped;
    }
    return Status::OK();
  };
  return ReadBatched(inputs, read, batched);
}

}  // namespace arbiter
