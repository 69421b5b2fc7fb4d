#include "runner/scoring/run_pipeline.h"

#include <algorithm>
#include <thread>

#include <simdjson.h>

#include "runner/source/batched_read.h"

namespace arbiter {

int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 1;
}

Status RunPipeline(const Suite& suite, const std::vector<std::string>& inputs,
                   const PipelineOptions& options, const PipelineCallbacks& callbacks) {
  const int threads = ResolveThreads(options.threads);
  BatchedReadOptions read;
  read.workers = static_cast<size_t>(threads);
  read.max_in_flight = read.workers * 4;
  read.batching.max_records = options.batch_size;
  read.batching.source = options.source;
  read.batching.stop = options.stop;
  read.batching.limit = options.limit;
  read.batching.ranges = options.ranges;
  read.cpu = options.cpu;

  const TraceScorer scorer(suite);  // const, shared by the workers
  std::vector<simdjson::dom::parser> parsers(read.workers);
  BatchedReadCallbacks<ScoredBatch> batched;
  batched.work = [&](size_t worker, RecordBatch& records, ScoredBatch& batch) {
    batch.input = records.input;
    batch.traces.resize(records.records.size());
    batch.rows.reserve(records.records.size() * suite.evaluators.size() * 128);
    for (size_t i = 0; i < records.records.size(); ++i) {
      RecordBatch::Record& record = records.records[i];
      TraceResult& result = batch.traces[i];
      result.line = record.line;
      if (!record.error.empty()) {
        result.error = std::move(record.error);
        continue;
      }
      scorer.Score(PaddedJson{records.json(record).data(), record.length}, static_cast<int>(worker),
                   parsers[worker], batch.rows, result);
    }
    if (callbacks.scored) callbacks.scored(batch);
    return Status::OK();
  };
  PipelinePosition consumed;
  uint64_t ended_inputs_bytes = 0;  // of the inputs read to their end
  batched.consume = [&](RecordBatch& records, ScoredBatch& batch) {
    const PipelinePosition before = consumed;
    const uint64_t after_bytes = std::max(before.bytes, ended_inputs_bytes + records.bytes_read);
    std::function<void(size_t)> resolved;
    if (callbacks.position && !batch.traces.empty()) {
      resolved = [&](size_t done) {
        callbacks.position(PipelinePosition{
            before.traces + done,
            before.bytes + (after_bytes - before.bytes) * done / batch.traces.size()});
      };
    }
    // Judge calls complete out of order; waiting here, in input order, keeps output identical.
    ResolvePendingScores(suite, batch.rows, batch.traces, resolved);
    if (records.input_end) {
      ended_inputs_bytes += records.bytes_read;
      if (callbacks.input_done) {
        callbacks.input_done(InputDone{records.input, inputs[records.input], records.input_hash});
      }
    }
    consumed.traces += batch.traces.size();
    consumed.bytes = after_bytes;
    Status status = callbacks.batch(batch);
    if (callbacks.position) callbacks.position(consumed);
    return status;
  };
  return ReadBatched(inputs, read, batched);
}

}  // namespace arbiter
