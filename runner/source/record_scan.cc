#include "runner/source/record_scan.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <simdjson.h>

#include "runner/source/trace_records.h"

namespace arbiter {
namespace {

// Records of one input, their texts in one padded buffer: one copy per record, no allocation
// per record once the batches are recycled.
struct Batch {
  struct Slot {
    size_t offset = 0;
    size_t length = 0;
    uint64_t ordinal = 0;
    uint64_t line = 0;
  };
  size_t input = 0;
  std::string text;
  std::vector<Slot> slots;

  void Add(uint64_t ordinal, const TraceRecord& record) {
    slots.push_back({text.size(), record.json.size(), ordinal, record.line});
    text.append(record.json);
    text.append(simdjson::SIMDJSON_PADDING, ' ');
  }
  bool Full() const { return slots.size() >= 512 || text.size() >= (1 << 20); }
};

class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}

  // False once aborted.
  bool Push(Batch batch) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return work_.size() < capacity_ || aborted_; });
    if (aborted_) return false;
    work_.push_back(std::move(batch));
    ready_.notify_one();
    return true;
  }
  // nullopt when the reader is done and nothing is left, or on abort.
  std::optional<Batch> Pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !work_.empty() || closed_ || aborted_; });
    if (work_.empty() || aborted_) return std::nullopt;
    Batch batch = std::move(work_.front());
    work_.pop_front();
    room_.notify_one();
    return batch;
  }
  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }
  void Abort() {
    std::lock_guard lock(mutex_);
    aborted_ = true;
    ready_.notify_all();
    room_.notify_all();
  }
  Batch TakeFree() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return Batch();
    Batch batch = std::move(free_.back());
    free_.pop_back();
    return batch;
  }
  void GiveBack(Batch batch) {
    batch.text.clear();
    batch.slots.clear();
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(batch));
  }

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<Batch> work_;
  std::vector<Batch> free_;
  bool closed_ = false;
  bool aborted_ = false;
};

}  // namespace

Status ScanRecords(const std::vector<std::string>& inputs, const SourceOptions& options,
                   size_t workers, std::FILE* diagnostics, uint64_t& skipped,
                   const ScanCallbacks& callbacks) {
  BatchQueue queue(2 * workers);
  std::mutex mutex;  // guards `error`, `skipped` and the diagnostics
  Status error;
  auto fail = [&](const Status& status) {
    std::lock_guard lock(mutex);
    if (error.ok()) error = status;
  };

  std::vector<std::thread> threads;
  for (size_t worker = 0; worker < workers; ++worker) {
    threads.emplace_back([&, worker] {
      while (std::optional<Batch> batch = queue.Pop()) {
        for (const Batch::Slot& slot : batch->slots) {
          ScannedRecord record{batch->input, slot.ordinal, slot.line,
                               std::string_view(batch->text).substr(slot.offset, slot.length)};
          Result<std::string> reason = callbacks.parse(worker, record);
          if (!reason.ok()) {
            fail(reason.status());
            queue.Abort();
            return;
          }
          if (reason->empty()) continue;
          std::lock_guard lock(mutex);
          std::fprintf(diagnostics, "%s\n",
                       SkipMessage(inputs[batch->input], slot.line, *reason).c_str());
          ++skipped;
        }
        queue.GiveBack(std::move(*batch));
      }
    });
  }

  // The reader: this thread. Unreadable records are reported by ForEachTraceRecord.
  std::vector<uint64_t> ordinals(inputs.size(), 0);
  uint64_t unreadable = 0;
  Batch batch;
  Status read = ForEachTraceRecord(
      inputs, diagnostics, unreadable,
      [&](size_t input, const TraceRecord& record) -> Result<std::string> {
        if (callbacks.read) ARBITER_RETURN_IF_ERROR(callbacks.read(input, record.json));
        if (input != batch.input && !batch.slots.empty()) {
          if (!queue.Push(std::move(batch))) return Status::Internal("scan stopped");
          batch = queue.TakeFree();
        }
        batch.input = input;
        batch.Add(ordinals[input]++, record);
        if (batch.Full()) {
          if (!queue.Push(std::move(batch))) return Status::Internal("scan stopped");
          batch = queue.TakeFree();
        }
        return std::string();
      },
      options);
  if (read.ok() && !batch.slots.empty()) queue.Push(std::move(batch));
  queue.Close();
  for (std::thread& thread : threads) thread.join();
  skipped += unreadable;
  // A worker's error explains a stopped reader; otherwise the reader's own error, if any.
  if (!error.ok()) return error;
  return read;
}

}  // namespace arbiter
