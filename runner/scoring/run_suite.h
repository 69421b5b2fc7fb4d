// `arbiter run` as one library call: a suite over trace files, written to an output folder
// (scores.jsonl, scorecard.json, scorecard.md, trace_errors.jsonl), each file renamed into place
// only when the run succeeded. Without an output folder it writes nothing and only reports
// (`arbiter validate --traces`). The command and the in-process tests call the same function, so
// the tests check what the command writes; the command keeps the flags and the terminal (progress,
// the first broken traces on stderr, Ctrl-C) and hears about them through the events below.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/input_hash.h"
#include "runner/base/status.h"
#include "runner/scoring/run_warnings.h"
#include "runner/scoring/stage_times.h"
#include "runner/source/shard_spec.h"
#include "runner/source/trace_source.h"
#include "runner/suite/suite.h"

namespace arbiter {

// What a terminal may show while a run goes on. Every member may be empty; all are called on
// the caller's thread.
struct RunSuiteEvents {
  // An evaluator that cannot run here (LoadedEvaluator::skipped), before scoring starts.
  std::function<void(const LoadedEvaluator&)> evaluator_skipped;
  // Just before the first trace is read and just after the last is scored: the span in which
  // Ctrl-C should stop reading rather than end the process. `input_bytes`: what will be read,
  // when known up front (files' sizes, a shard's ranges; not standard input or a pipe).
  std::function<void(std::optional<uint64_t> input_bytes)> scoring_started;
  std::function<void()> scoring_finished;
  // A broken trace, skipped (and listed in trace_errors.jsonl).
  std::function<void(const std::string& path, uint64_t line, const std::string& reason)>
      trace_skipped;
  // A trace whose `_sample` is malformed: scored, left out of the population figures.
  std::function<void(const std::string& path, uint64_t line, const std::string& reason)>
      sample_malformed;
  // Traces consumed so far (scored or skipped) and the input bytes behind them (compressed
  // for .gz), after each batch and after each trace that a batch waited for (PipelinePosition).
  std::function<void(uint64_t traces, uint64_t bytes)> progress;
  // Scoring is over and the outputs are being written (a large run's pages take a moment).
  std::function<void()> writing_outputs;
};

struct RunSuiteOptions {
  std::vector<std::string> traces;  // JSONL or OTLP/JSON files, .gz, "-" for stdin
  std::filesystem::path out;        // the output folder, created when missing; empty: none
  uint64_t limit = 0;               // when not 0, only the first `limit` traces are read
  int threads = 0;                  // worker threads; 0: the core count
  size_t batch_size = 256;          // traces per batch (see PipelineOptions)
  TraceFormat format = TraceFormat::kAuto;
  bool strict = false;                           // the first broken trace fails the run
  std::filesystem::path cache_dir;               // judge cache: a folder or a postgresql:// URL
  double max_error_rate = kDefaultMaxErrorRate;  // an evaluator's error share that warns
  // Becomes true on Ctrl-C: reading stops, what was scored is written, marked "interrupted".
  const std::atomic<bool>* stop = nullptr;
  // When set, only this shard's part of the inputs is scored (source/shard_plan.h) and `out`
  // receives a partial run: scores.jsonl, trace_errors.jsonl and shard.json (partial_run.h), no
  // scorecard; `arbiter merge` adds the shards up. The traces must be files (no stdin).
  std::optional<ShardSpec> shard;
  InputHashKind input_hash = InputHashKind::kSha256Chunks;  // scorecard.json's `inputs`
  bool stage_times = false;  // measure each stage's CPU (RunSuiteResult::stage_times)
  RunSuiteEvents events;
};

struct RunSuiteResult {
  uint64_t traces = 0;               // scored
  uint64_t trace_errors = 0;         // broken, skipped
  uint64_t malformed_samples = 0;    // scored, with a malformed `_sample`
  bool sampled = false;              // some trace carried `_sample`
  uint64_t without_sample = 0;       // traces without `_sample` (meaningful when `sampled`)
  bool interrupted = false;          // `stop` was set: the outputs hold the traces scored so far
  std::vector<RunWarning> warnings;  // what made the run unreliable (also in the scorecard)
  std::optional<StageTimes> stage_times;  // with RunSuiteOptions::stage_times
};

// Runs `suite` over `options.traces` into `options.out`, preparing its evaluators first
// (PrepareWorkers; PrepareRun for those not skipped). A run that fails while scoring writes no
// output; scores.jsonl is renamed into place last, after the scorecard and trace_errors.jsonl.
Result<RunSuiteResult> RunSuite(const Suite& suite, const RunSuiteOptions& options);

}  // namespace arbiter
