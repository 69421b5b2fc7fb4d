// The hand-off between one reader, worker threads and, for ordered delivery, one consumer. It is
// the one place where `arbiter run` (scored batches consumed in input order, so that outputs do
// not depend on the thread count) and the record scan of `sample` and `triage` (records handled
// on the workers, in no particular order) queue their batches:
// - bounded: at most `max_in_flight` batches between Push and their release (consumed, or
//   finished where nothing consumes), so memory stays flat whatever the input size;
// - ordered on request: the consumer takes batches back in push order, whatever order the
//   workers finish them in;
// - recycled: released batches are cleared and handed to the reader again, so steady state
//   allocates nothing;
// - abortable: Abort() wakes every waiter and makes Push, Pop and Next fail, so a worker or
//   consumer that fails never leaves the others blocked.
// One mutex: hand-offs happen once per batch of hundreds of records, so contention is negligible.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace arbiter {

// `Batch` is movable and has Clear(), which empties it for reuse.
template <typename Batch>
class BatchQueue {
 public:
  enum class Delivery {
    kUnordered,  // a batch is released when a worker finishes it
    kOrdered,    // finished batches wait for the consumer, who takes them in push order
  };

  // A batch on a worker, with its place in push order.
  struct Work {
    uint64_t sequence = 0;
    Batch batch;
  };

  // REQUIRES: max_in_flight > 0.
  BatchQueue(size_t max_in_flight, Delivery delivery)
      : max_in_flight_(max_in_flight), delivery_(delivery) {}

  // Reader: an empty batch, recycled when one was released.
  Batch TakeFree() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return Batch();
    Batch batch = std::move(free_.back());
    free_.pop_back();
    return batch;
  }
  // Reader: waits for room, then queues `batch` as the next in push order. False once aborted.
  bool Push(Batch batch) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return in_flight_ < max_in_flight_ || aborted_; });
    if (aborted_) return false;
    ++in_flight_;
    work_.push_back(Work{pushed_++, std::move(batch)});
    work_ready_.notify_one();
    return true;
  }
  // Reader: no more batches.
  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    work_ready_.notify_all();
    done_ready_.notify_all();
  }

  // Worker: the next batch to work on; nullopt once closed and drained, or aborted.
  std::optional<Work> Pop() {
    std::unique_lock lock(mutex_);
    work_ready_.wait(lock, [&] { return !work_.empty() || closed_ || aborted_; });
    if (work_.empty() || aborted_) return std::nullopt;
    Work work = std::move(work_.front());
    work_.pop_front();
    return work;
  }
  // Worker: done with `work`. Unordered, that releases it; ordered, the consumer takes it next.
  void Finish(Work work) {
    if (delivery_ == Delivery::kUnordered) return Release(std::move(work.batch));
    std::lock_guard lock(mutex_);
    finished_.emplace(work.sequence, std::move(work.batch));
    done_ready_.notify_all();
  }

  // Consumer (ordered delivery): the next batch in push order once a worker finished it;
  // nullopt once every pushed batch was taken and the reader closed, or aborted.
  std::optional<Batch> Next() {
    std::unique_lock lock(mutex_);
    done_ready_.wait(lock, [&] {
      return finished_.count(consumed_) || (closed_ && pushed_ == consumed_) || aborted_;
    });
    auto it = finished_.find(consumed_);
    if (aborted_ || it == finished_.end()) return std::nullopt;
    Batch batch = std::move(it->second);
    finished_.erase(it);
    ++consumed_;
    return batch;
  }
  // Consumer (or Finish, unordered): gives `batch` back for reuse and frees its place.
  void Release(Batch batch) {
    batch.Clear();
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(batch));
    --in_flight_;
    room_.notify_one();
  }

  // Anyone: stops the reader, the workers and the consumer at their next call.
  void Abort() {
    std::lock_guard lock(mutex_);
    aborted_ = true;
    room_.notify_all();
    work_ready_.notify_all();
    done_ready_.notify_all();
  }

 private:
  const size_t max_in_flight_;
  const Delivery delivery_;
  std::mutex mutex_;
  std::condition_variable room_, work_ready_, done_ready_;
  std::deque<Work> work_;               // pushed, waiting for a worker
  std::map<uint64_t, Batch> finished_;  // ordered: finished, waiting for the consumer
  std::vector<Batch> free_;
  size_t in_flight_ = 0;   // pushed and not yet released
  uint64_t pushed_ = 0;    // sequence numbers handed out
  uint64_t consumed_ = 0;  // ordered: the sequence the consumer takes next
  bool closed_ = false;
  bool aborted_ = false;
};

}  // namespace arbiter
