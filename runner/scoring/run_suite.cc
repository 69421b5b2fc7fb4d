#include "runner/scoring/run_suite.h"

#include <chrono>
#include <future>
#include <memory>
#include <string_view>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "runner/base/atomic_file.h"
#include "runner/base/block_reader.h"
#include "runner/base/hash.h"
#include "runner/base/input_hash.h"
#include "runner/base/json_util.h"
#include "runner/base/line_reader.h"
#include "runner/base/thread_cpu.h"
#include "runner/scoring/partial_run.h"
#include "runner/scoring/run_pipeline.h"
#include "runner/scoring/scorecard.h"

namespace arbiter {
namespace {

// trace_errors.jsonl: one line per broken trace, which the run skipped.
void AppendTraceError(std::string& text, const std::string& path, uint64_t line,
                      const std::string& reason) {
  text += "{\"file\": ";
  AppendJsonString(text, path);
  text += ", \"line\": " + std::to_string(line) + ", \"reason\": ";
  AppendJsonString(text, reason);
  text += "}\n";
}

// What the pipeline will read of `inputs`, when every size is known up front.
std::optional<uint64_t> InputBytes(const std::vector<std::string>& inputs,
                                   const std::vector<std::optional<ByteRange>>& ranges) {
  uint64_t total = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i < ranges.size() && ranges[i]) {
      total += ranges[i]->end - ranges[i]->begin;
      continue;
    }
    if (IsStreamInput(inputs[i])) return std::nullopt;
    std::error_code ec;
    uint64_t size = std::filesystem::file_size(inputs[i], ec);
    if (ec) return std::nullopt;
    total += size;
  }
  return total;
}

template <typename F, typename... Args>
void Notify(const F& event, Args&&... args) {
  if (event) event(std::forward<Args>(args)...);
}

// A shard's bookkeeping (`options.shard`): its parts of the inputs, each with a scorecard of
// its own and where its rows begin and end in the two output files, and the hashes of the split
// inputs it reports, computed beside the scoring.
struct ShardRun {
  // What the consumer has written of one part: its tally, where its rows end in scores.jsonl
  // and trace_errors.jsonl (none before its first batch), and the digest of its rows.
  struct Written {
    ScorecardBuilder card;
    std::optional<uint64_t> rows_end, errors_end;
    SpanDigest rows_digest;
  };

  PartialRun partial;
  std::vector<Written> written;                          // by part
  std::vector<std::future<Result<std::string>>> hashes;  // by input; invalid when not ours

  // Sets up shard `spec` of `options.traces`; fills `inputs` (the parts' paths, in order) and
  // `ranges` for the pipeline.
  Status Plan(const Suite& suite, const RunSuiteOptions& options, std::vector<std::string>& inputs,
              std::vector<std::optional<ByteRange>>& ranges) {
    ShardSpec spec = *options.shard;
    partial.shard = spec;
    partial.max_error_rate = options.max_error_rate;
    ARBITER_ASSIGN_OR_RETURN(partial.inputs, DescribeShardInputs(options.traces, options.format));
    partial.input_hash = options.input_hash;
    partial.input_hashes.resize(partial.inputs.size());
    hashes.resize(partial.inputs.size());
    for (const ShardPart& part : PlanShard(partial.inputs, spec)) {
      PartialPart& mine = partial.parts.emplace_back();
      mine.input = part.input;
      mine.range = part.range;
      written.push_back({ScorecardBuilder(suite, options.max_error_rate), {}, {}, {}});
      inputs.push_back(partial.inputs[part.input].path);
      ranges.push_back(part.range);
      if (part.range && HashingShard(partial.inputs, part.input, spec.count) == spec.index) {
        hashes[part.input] = std::async(std::launch::async, FileInputHash, options.input_hash,
                                        inputs.back(), size_t{1});
      }
    }
    return Status::OK();
  }

  // A batch of part `p` written: its rows, which end at `rows_end` in scores.jsonl, and its
  // trace errors, which end at `errors_end` in trace_errors.jsonl.
  void BatchWritten(size_t p, std::string_view rows, uint64_t rows_end, uint64_t errors_end) {
    Written& part = written[p];
    part.rows_end = rows_end;
    part.errors_end = errors_end;
    part.rows_digest.Update(rows);
  }

  // After the pipeline: the hashes, and the parts' spans (a part with no batch is empty, where
  // the previous one ended).
  Status Finish(const Suite& suite, uint64_t rows_bytes, std::string_view trace_errors,
                bool interrupted) {
    for (size_t i = 0; i < hashes.size(); ++i) {
      if (!hashes[i].valid()) continue;
      ARBITER_ASSIGN_OR_RETURN(std::string hash, hashes[i].get());
      partial.input_hashes[i] = std::move(hash);
    }
    uint64_t rows = 0, errors = 0;
    for (size_t p = 0; p < partial.parts.size(); ++p) {
      PartialPart& part = partial.parts[p];
      part.rows_begin = rows;
      part.errors_begin = errors;
      rows = part.rows_end = written[p].rows_end.value_or(rows);
      errors = part.errors_end = written[p].errors_end.value_or(errors);
      part.rows_digest = written[p].rows_digest.Hex();
      SpanDigest errors_digest;
      errors_digest.Update(trace_errors.substr(part.errors_begin, errors - part.errors_begin));
      part.errors_digest = errors_digest.Hex();
      part.state = written[p].card.State();
    }
    if (rows != rows_bytes || errors != trace_errors.size()) {
      return Status::Internal("shard bookkeeping lost track of its rows");
    }
    partial.suite = ScorecardSuite::Of(suite, /*usage=*/true);  // as of the end
    partial.interrupted = interrupted;
    return Status::OK();
  }
};

}  // namespace

Result<RunSuiteResult> RunSuite(const Suite& suite, const RunSuiteOptions& options) {
  namespace fs = std::filesystem;
  const RunSuiteEvents& events = options.events;
  const bool write = !options.out.empty();
  std::error_code ec;
  if (write) fs::create_directories(options.out, ec);
  if (ec) {
    return Status::IoError(options.out.string() + ": cannot create output folder: " + ec.message());
  }

  PipelineOptions pipeline;
  std::vector<std::string> inputs = options.traces;
  std::unique_ptr<ShardRun> shard;
  if (options.shard) {
    shard = std::make_unique<ShardRun>();
    inputs.clear();
    ARBITER_RETURN_IF_ERROR(shard->Plan(suite, options, inputs, pipeline.ranges));
  }
  pipeline.threads = ResolveThreads(options.threads);
  pipeline.batch_size = options.batch_size;
  pipeline.source.format = options.format;
  pipeline.source.otlp = suite.otlp;
  pipeline.source.input_hash = options.input_hash;
  pipeline.source.hash_threads = static_cast<size_t>(pipeline.threads);
  pipeline.stop = options.stop;
  pipeline.limit = options.limit;
  for (const LoadedEvaluator& evaluator : suite.evaluators) {
    ARBITER_RETURN_IF_ERROR(evaluator.evaluator->PrepareWorkers(pipeline.threads)
                                .WithContext(evaluator.spec.id + ": "));
  }
  RunSettings settings;
  settings.cache_dir = options.cache_dir;
  settings.stop = options.stop;
  for (const LoadedEvaluator& evaluator : suite.evaluators) {
    if (!evaluator.skipped.empty()) {
      Notify(events.evaluator_skipped, evaluator);
      continue;
    }
    ARBITER_RETURN_IF_ERROR(
        evaluator.evaluator->PrepareRun(settings).WithContext(evaluator.spec.id + ": "));
  }

  std::unique_ptr<AtomicFile> scores;
  if (write) {
    ARBITER_ASSIGN_OR_RETURN(scores, AtomicFile::Create(options.out / "scores.jsonl"));
  }
  ScorecardBuilder scorecard(suite, options.max_error_rate);
  scorecard.set_input_hash(options.input_hash);
  RunSuiteResult result;
  std::string trace_errors;
  uint64_t rows_bytes = 0;

  PipelineCallbacks callbacks;
  callbacks.input_done = [&](const InputDone& done) {
    scorecard.AddInput(done.path, done.hash);
    if (shard && !shard->partial.parts[done.input].range) {
      shard->partial.input_hashes[shard->partial.parts[done.input].input] = done.hash;
    }
  };
  // The workers tally their batches, so that the in-order consumer merges one tally per batch
  // instead of adding every trace: a serial stage kept small (docs/PERFORMANCE.md). A batch with
  // judge calls in flight is tallied by the consumer once they are resolved.
  callbacks.scored = [&](ScoredBatch& batch) {
    for (const TraceResult& trace : batch.traces) {
      if (!trace.pending.empty()) return;
    }
    ScorecardBuilder& card = batch.card.emplace(suite, options.max_error_rate);
    for (const TraceResult& trace : batch.traces) card.AddTrace(trace);
  };
  callbacks.batch = [&](ScoredBatch& batch) -> Status {
    const std::string& path = inputs[batch.input];
    // A shard tallies each part on its own (shard.json keeps one tally per part) and adds the
    // parts into the run's scorecard once at the end: one merge per batch, not two.
    ScorecardBuilder& tally = shard ? shard->written[batch.input].card : scorecard;
    for (const TraceResult& trace : batch.traces) {
      if (!trace.error.empty()) {
        if (options.strict) {
          // --strict makes a broken trace a failure of the run (exit 3): the input could not be
          // read through. It is not "skipped": the run stops on it, and says so once.
          return Status::IoError(path + ":" + std::to_string(trace.line) + ": " + trace.error +
                                 " (--strict)");
        }
        Notify(events.trace_skipped, path, trace.line, trace.error);
        AppendTraceError(trace_errors, path, trace.line, trace.error);
      }
      if (trace.sample.state == SampleMark::State::kMalformed) {
        ++result.malformed_samples;
        Notify(events.sample_malformed, path, trace.line, trace.sample.error);
      }
      if (!batch.card) tally.AddTrace(trace);
    }
    if (batch.card) tally.Merge(*batch.card);
    rows_bytes += batch.rows.size();
    if (shard) shard->BatchWritten(batch.input, batch.rows, rows_bytes, trace_errors.size());
    if (!scores) return Status::OK();
    const uint64_t write_start = pipeline.cpu ? ThreadCpuNanos() : 0;
    Status appended = scores->Append(batch.rows);
    if (pipeline.cpu) pipeline.cpu->write += ThreadCpuNanos() - write_start;
    return appended;
  };

  StageCpu cpu;
  if (options.stage_times) pipeline.cpu = &cpu;
  if (events.progress) {
    callbacks.position = [&](const PipelinePosition& at) { events.progress(at.traces, at.bytes); };
  }
  const auto wall_start = std::chrono::steady_clock::now();
  const double hash_start = InputHashThreadCpuSeconds();
  const double read_start = BlockReadThreadCpuSeconds();
  const double count_start = NewlineCountThreadCpuSeconds();
  Notify(events.scoring_started, InputBytes(inputs, pipeline.ranges));
  Status status = RunPipeline(suite, inputs, pipeline, callbacks);
  Notify(events.scoring_finished);
  ARBITER_RETURN_IF_ERROR(status);
  const uint64_t finish_start = ThreadCpuNanos();
  if (write) Notify(events.writing_outputs);

  result.interrupted = options.stop && options.stop->load();
  if (shard) {
    for (const ShardRun::Written& part : shard->written) scorecard.Merge(part.card);
    ARBITER_RETURN_IF_ERROR(shard->Finish(suite, rows_bytes, trace_errors, result.interrupted));
  }
  if (write && shard) {
    ARBITER_RETURN_IF_ERROR(
        WriteFileAtomic(options.out / kShardFile, shard->partial.Json().dump(1) + "\n"));
    ARBITER_RETURN_IF_ERROR(WriteFileAtomic(options.out / "trace_errors.jsonl", trace_errors));
    ARBITER_RETURN_IF_ERROR(scores->Commit());
  } else if (write) {
    nlohmann::ordered_json card = scorecard.Json();
    if (result.interrupted) card["interrupted"] = true;
    for (auto [name, contents] :
         {std::pair<const char*, std::string>{"scorecard.json", card.dump(2) + "\n"},
          std::pair<const char*, std::string>{"scorecard.md", scorecard.Markdown()},
          std::pair<const char*, std::string>{"report.html", scorecard.Html(result.interrupted)},
          std::pair<const char*, std::string>{"trace_errors.jsonl", std::move(trace_errors)}}) {
      ARBITER_RETURN_IF_ERROR(WriteFileAtomic(options.out / name, contents));
    }
    ARBITER_RETURN_IF_ERROR(scores->Commit());
  }

  result.traces = scorecard.traces();
  result.trace_errors = scorecard.trace_errors();
  result.sampled = scorecard.sampled();
  result.without_sample = scorecard.without_sample();
  result.warnings = scorecard.Warnings();
  if (options.stage_times) {
    StageTimes& times = result.stage_times.emplace();
    times.traces = result.traces + result.trace_errors;
    times.workers = pipeline.threads;
    times.read = BlockReadThreadCpuSeconds() - read_start;
    times.read_threads = static_cast<int>(BlockReader::kDefaultThreads);
    times.count = NewlineCountThreadCpuSeconds() - count_start;
    times.count_threads = static_cast<int>(NewlineCountThreadsUsed());
    times.split = static_cast<double>(cpu.split) / 1e9;
    times.hash = InputHashThreadCpuSeconds() - hash_start;
    times.work = static_cast<double>(cpu.work) / 1e9;
    times.consume = static_cast<double>(cpu.consume - cpu.write) / 1e9;
    times.write = static_cast<double>(cpu.write) / 1e9;
    times.finish = static_cast<double>(ThreadCpuNanos() - finish_start) / 1e9;
    times.wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  }
  return result;
}

}  // namespace arbiter
