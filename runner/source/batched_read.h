// Reading inputs with the work off the reading thread, the one mechanism that `arbiter run`
// (scoring/run_pipeline.cc) and the record scan of `sample` and `triage` (record_scan.h) share:
// a reader thread splits the inputs into batches of records (record_batch.h), `workers` threads
// work on the batches, and, for ordered delivery, the caller's thread consumes each batch with
// what its worker made of it, strictly in input order. The guarantees (batch_queue.h):
// - consumed in input order, the outputs are byte-identical for any thread count;
// - at most `max_in_flight` batches exist between the reader and their release, so memory is
//   flat whatever the input size;
// - a stop request ends the reading between batches (BatchingOptions::stop);
// - the first error of a worker or the consumer stops everything and is returned, without
//   leaving a thread blocked; otherwise the reader's error, if any, once the batches read before
//   it were delivered.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runner/base/status.h"
#include "runner/base/thread_cpu.h"
#include "runner/source/batch_queue.h"
#include "runner/source/record_batch.h"

namespace arbiter {

// A batch of records with what the worker made of them (`Output`, default-constructible).
template <typename Output>
struct WorkBatch {
  RecordBatch records;
  Output output;
  // Empties the records for reuse. The output is reset by the worker that takes the batch next
  // (ReadBatched): freeing what it holds (a scored batch's rows, reasons, tallies) costs as much
  // as a fair share of the scoring, and the workers share it rather than the one consumer thread.
  void Clear() { records.Clear(); }
};

struct BatchedReadOptions {
  size_t workers = 1;
  // Batches between the reader and their release: the memory bound.
  size_t max_in_flight = 4;
  BatchingOptions batching;
  // When set, each stage's CPU time is added to it (`run --stage-times`).
  StageCpu* cpu = nullptr;
};

template <typename Output>
struct BatchedReadCallbacks {
  // Optional, on the reader thread: each readable record as it is read (record_batch.h).
  RecordHook read;
  // On worker `worker` (0 <= worker < workers): works on a batch. An error stops the read.
  std::function<Status(size_t worker, RecordBatch& records, Output& output)> work;
  // Optional, on the caller's thread: each batch after its work, in input order (ordered
  // delivery). Without it, a batch is done when its worker is. An error stops the read.
  std::function<Status(RecordBatch& records, Output& output)> consume;
};

// REQUIRES: options.workers > 0, options.max_in_flight > 0, callbacks.work set.
template <typename Output>
Status ReadBatched(const std::vector<std::string>& inputs, const BatchedReadOptions& options,
                   const BatchedReadCallbacks<Output>& callbacks) {
  using Queue = BatchQueue<WorkBatch<Output>>;
  Queue queue(options.max_in_flight,
              callbacks.consume ? Queue::Delivery::kOrdered : Queue::Delivery::kUnordered);
  std::mutex mutex;
  Status error;  // the first worker or consumer error
  auto fail = [&](Status status) {
    {
      std::lock_guard lock(mutex);
      if (error.ok()) error = std::move(status);
    }
    queue.Abort();
  };

  RecordBatcher batcher(inputs, options.batching, callbacks.read);
  std::thread reader([&] {
    WorkBatch<Output> batch = queue.TakeFree();
    while (batcher.Next(batch.records)) {
      if (!queue.Push(std::move(batch))) break;  // aborted
      batch = queue.TakeFree();
    }
    queue.Close();
    if (options.cpu) options.cpu->split += ThreadCpuNanos();
  });
  std::vector<std::thread> workers;
  for (size_t worker = 0; worker < options.workers; ++worker) {
    workers.emplace_back([&, worker] {
      while (std::optional<typename Queue::Work> work = queue.Pop()) {
        work->batch.output = Output();
        Status status = callbacks.work(worker, work->batch.records, work->batch.output);
        if (!status.ok()) return fail(std::move(status));
        queue.Finish(std::move(*work));
      }
      if (options.cpu) options.cpu->work += ThreadCpuNanos();
    });
  }
  if (callbacks.consume) {
    const uint64_t consume_start = ThreadCpuNanos();
    while (std::optional<WorkBatch<Output>> batch = queue.Next()) {
      Status status = callbacks.consume(batch->records, batch->output);
      queue.Release(std::move(*batch));
      if (!status.ok()) {
        fail(std::move(status));
        break;
      }
    }
    if (options.cpu) options.cpu->consume += ThreadCpuNanos() - consume_start;
  }
  reader.join();
  for (std::thread& worker : workers) worker.join();
  if (!error.ok()) return error;
  return batcher.status();
}

}  // namespace arbiter
