// The scoring pipeline: one reader thread splits the inputs into batches of traces, worker
// threads score batches, and the caller's thread consumes the scored batches strictly in input
// order. Consuming in order is what makes every output byte-identical whatever the thread count
// or scheduling; bounded batches in flight keep memory flat whatever the input size.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/status.h"
#include "runner/base/thread_cpu.h"
#include "runner/scoring/scorecard.h"
#include "runner/scoring/trace_scorer.h"
#include "runner/source/trace_source.h"
#include "runner/suite/suite.h"

namespace arbiter {

struct PipelineOptions {
  // Worker threads scoring traces. Default: the core count.
  int threads = 0;
  // Traces per batch: large enough to amortize hand-offs, small enough to keep latency and
  // memory low. 256 traces of 2 KB keep a batch near 0.5 MB.
  size_t batch_size = 256;
  // Input parsing (format, line limit).
  SourceOptions source;
  // When set and true, reading stops at the next batch (Ctrl-C); batches already read are
  // still scored and consumed.
  const std::atomic<bool>* stop = nullptr;
  // When not 0, only the first `limit` traces of the inputs together are read (BatchingOptions).
  uint64_t limit = 0;
  // When not empty, one entry per input: read only that byte range of it (a shard's part).
  std::vector<std::optional<ByteRange>> ranges;
  // When set, each stage's CPU time is added to it (`run --stage-times`).
  StageCpu* cpu = nullptr;
};

struct ScoredBatch {
  size_t input = 0;                 // index into the input paths
  std::string rows;                 // scores.jsonl rows of these traces, in order
  std::vector<TraceResult> traces;  // in input order
  // The batch's own scorecard tallies, when PipelineCallbacks::scored made them on the worker.
  std::optional<ScorecardBuilder> card;
};

// Called once per input when it has been read to its end, with its content hash.
struct InputDone {
  size_t input = 0;
  std::string path;
  std::string hash;  // SourceOptions::input_hash
};

// How far the consumer is, for a progress display: traces consumed (scored or skipped) and the
// input bytes behind them (TraceSource::BytesRead, added up over the inputs).
struct PipelinePosition {
  uint64_t traces = 0;
  uint64_t bytes = 0;
};

struct PipelineCallbacks {
  // Optional: each scored batch on the worker that scored it, in any order, before `batch` (work
  // that need not wait for the input order, such as the batch's own tallies). Outcomes of judge
  // calls still in flight (TraceResult::pending) are not final here.
  std::function<void(ScoredBatch&)> scored;
  // Each scored batch, in input order, on the caller's thread. An error stops the run.
  std::function<Status(ScoredBatch&)> batch;
  // Each input read to its end, in input order, before its last batch is consumed.
  std::function<void(const InputDone&)> input_done;
  // Optional, on the caller's thread: the position after each batch, and within a batch that
  // waits for a judge after each trace it waited for (the bytes then in proportion).
  std::function<void(const PipelinePosition&)> position;
};

// Runs `suite` over `inputs`. Returns an error for an input that cannot be opened or read, or
// the first error a callback returned; scored batches before it were consumed.
// REQUIRES: the suite's evaluators were prepared for `options.threads` workers.
Status RunPipeline(const Suite& suite, const std::vector<std::string>& inputs,
                   const PipelineOptions& options, const PipelineCallbacks& callbacks);

// The worker count for `requested` (0: the core count).
int ResolveThreads(int requested);

}  // namespace arbiter
