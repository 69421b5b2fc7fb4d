#include "runner/scoring/run_pipeline.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace arbiter {
namespace {

// A batch of traces on its way to a worker. The traces' JSON texts sit in one buffer, each
// followed by simdjson's padding, so the worker parses them in place: one copy per trace (from
// the reader's buffer) and one allocation per batch, which the pool below recycles.
struct WorkItem {
  struct Slot {
    size_t offset = 0;  // into `text`
    size_t length = 0;
    uint64_t line = 0;
    std::string error;  // non-empty: a record the source could not read
  };
  uint64_t sequence = 0;
  size_t input = 0;
  std::string text;
  std::vector<Slot> slots;
  std::optional<InputDone> done;  // set on the last batch of an input

  void Add(const TraceRecord& record) {
    Slot& slot = slots.emplace_back();
    slot.line = record.line;
    if (!record.error.empty()) {
      slot.error = record.error;
      return;
    }
    slot.offset = text.size();
    slot.length = record.json.size();
    text.append(record.json);
    text.append(simdjson::SIMDJSON_PADDING, ' ');
  }
  void Clear() {
    text.clear();
    slots.clear();
    done.reset();
    // A batch that once held a huge trace gives its memory back rather than pinning it.
    if (text.capacity() > kMaxKeptBytes) std::string().swap(text);
  }
  static constexpr size_t kMaxKeptBytes = 8 << 20;
};

// Batches close at this many bytes of JSON even when they hold fewer traces than the batch
// size, so large traces do not make large batches.
constexpr size_t kMaxBatchBytes = 1 << 20;

// State shared by the reader, the workers and the consumer. One mutex: hand-offs happen once
// per batch of hundreds of traces, so contention is negligible.
class Exchange {
 public:
  explicit Exchange(size_t max_in_flight) : max_in_flight_(max_in_flight) {}

  // Reader: waits for room, then queues `item` under the next sequence number (input order).
  // False when the run is being torn down.
  bool Push(WorkItem item) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return in_flight_ < max_in_flight_ || aborted_; });
    if (aborted_) return false;
    ++in_flight_;
    item.sequence = pushed_++;
    work_.push_back(std::move(item));
    work_ready_.notify_one();
    return true;
  }
  void CloseInput(Status status) {
    std::lock_guard lock(mutex_);
    reader_status_ = std::move(status);
    input_closed_ = true;
    work_ready_.notify_all();
    done_ready_.notify_all();
  }
  // Worker: the next item, or nullopt when there is no more work.
  std::optional<WorkItem> Pop() {
    std::unique_lock lock(mutex_);
    work_ready_.wait(lock, [&] { return !work_.empty() || input_closed_ || aborted_; });
    if (work_.empty() || aborted_) return std::nullopt;
    WorkItem item = std::move(work_.front());
    work_.pop_front();
    return item;
  }
  void Finish(uint64_t sequence, ScoredBatch batch, std::optional<InputDone> done) {
    std::lock_guard lock(mutex_);
    finished_.emplace(sequence, Finished{std::move(batch), std::move(done)});
    done_ready_.notify_all();
  }
  struct Finished {
    ScoredBatch batch;
    std::optional<InputDone> done;
  };
  // Consumer: the batch with `sequence`, or nullopt when the input ended before it.
  std::optional<Finished> Take(uint64_t sequence) {
    std::unique_lock lock(mutex_);
    done_ready_.wait(lock, [&] {
      return finished_.count(sequence) || (input_closed_ && pushed_ <= sequence) || aborted_;
    });
    auto it = finished_.find(sequence);
    if (it == finished_.end()) return std::nullopt;
    Finished out = std::move(it->second);
    finished_.erase(it);
    --in_flight_;
    room_.notify_one();
    return out;
  }
  // Recycled batch buffers (the reader takes, workers give back): steady state allocates nothing.
  WorkItem TakeFree() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return WorkItem();
    WorkItem item = std::move(free_.back());
    free_.pop_back();
    return item;
  }
  void GiveBack(WorkItem item) {
    item.Clear();
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(item));
  }
  void Abort() {
    std::lock_guard lock(mutex_);
    aborted_ = true;
    room_.notify_all();
    work_ready_.notify_all();
    done_ready_.notify_all();
  }
  Status reader_status() {
    std::lock_guard lock(mutex_);
    return reader_status_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable room_, work_ready_, done_ready_;
  std::deque<WorkItem> work_;
  std::vector<WorkItem> free_;
  std::map<uint64_t, Finished> finished_;
  size_t max_in_flight_;
  size_t in_flight_ = 0;  // pushed and not yet taken by the consumer
  uint64_t pushed_ = 0;   // sequence numbers handed out
  bool input_closed_ = false;
  bool aborted_ = false;
  Status reader_status_;
};

void ReadInputs(const std::vector<std::string>& inputs, const PipelineOptions& options,
                Exchange& exchange) {
  auto push = [&](WorkItem& item) { return exchange.Push(std::move(item)); };
  for (size_t input = 0; input < inputs.size(); ++input) {
    auto source = OpenTraceSource(inputs[input], options.source);
    if (!source.ok()) return exchange.CloseInput(source.status());
    WorkItem item = exchange.TakeFree();
    item.input = input;
    TraceRecord record;
    bool stopped = false;
    while ((*source)->Next(record)) {
      item.Add(record);
      if (item.slots.size() >= options.batch_size || item.text.size() >= kMaxBatchBytes) {
        if (!push(item)) return exchange.CloseInput(Status::OK());
        item = exchange.TakeFree();
        item.input = input;
        if (options.stop && options.stop->load()) {
          stopped = true;
          break;
        }
      }
    }
    if (!stopped && !(*source)->status().ok()) return exchange.CloseInput((*source)->status());
    // The last batch of an input carries its hash, possibly with no records.
    if (!stopped) item.done = InputDone{input, inputs[input], (*source)->InputSha256()};
    if (!push(item)) return exchange.CloseInput(Status::OK());
    if (stopped) break;
  }
  exchange.CloseInput(Status::OK());
}

void ScoreBatches(const Suite& suite, int worker, Exchange& exchange) {
  TraceScorer scorer(suite);
  simdjson::dom::parser parser;
  while (std::optional<WorkItem> item = exchange.Pop()) {
    ScoredBatch batch;
    batch.input = item->input;
    batch.traces.resize(item->slots.size());
    batch.rows.reserve(item->slots.size() * suite.evaluators.size() * 128);
    for (size_t i = 0; i < item->slots.size(); ++i) {
      WorkItem::Slot& slot = item->slots[i];
      TraceResult& result = batch.traces[i];
      result.line = slot.line;
      if (!slot.error.empty()) {
        result.error = std::move(slot.error);
        continue;
      }
      scorer.Score(PaddedJson{item->text.data() + slot.offset, slot.length}, worker, parser,
                   batch.rows, result);
    }
    const uint64_t sequence = item->sequence;
    std::optional<InputDone> done = std::move(item->done);
    exchange.GiveBack(std::move(*item));
    exchange.Finish(sequence, std::move(batch), std::move(done));
  }
}

}  // namespace

int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 1;
}

Status RunPipeline(const Suite& suite, const std::vector<std::string>& inputs,
                   const PipelineOptions& options, const PipelineCallbacks& callbacks) {
  const int threads = ResolveThreads(options.threads);
  Exchange exchange(static_cast<size_t>(threads) * 4);
  std::thread reader(ReadInputs, std::cref(inputs), std::cref(options), std::ref(exchange));
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back(ScoreBatches, std::cref(suite), w, std::ref(exchange));
  }
  Status status;
  for (uint64_t sequence = 0;; ++sequence) {
    std::optional<Exchange::Finished> finished = exchange.Take(sequence);
    if (!finished) break;
    // Judge calls complete out of order; waiting here, in input order, keeps output identical.
    ResolvePendingScores(suite, finished->batch.rows, finished->batch.traces);
    if (finished->done && callbacks.input_done) callbacks.input_done(*finished->done);
    status = callbacks.batch(finished->batch);
    if (!status.ok()) {
      exchange.Abort();
      break;
    }
  }
  reader.join();
  for (std::thread& worker : workers) worker.join();
  if (!status.ok()) return status;
  return exchange.reader_status();
}

}  // namespace arbiter
