#include "runner/scoring/run_suite.h"

#include <memory>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "runner/base/atomic_file.h"
#include "runner/base/json_util.h"
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

template <typename F, typename... Args>
void Notify(const F& event, Args&&... args) {
  if (event) event(std::forward<Args>(args)...);
}

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
  pipeline.threads = ResolveThreads(options.threads);
  pipeline.batch_size = options.batch_size;
  pipeline.source.format = options.format;
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
  RunSuiteResult result;
  std::string trace_errors;

  PipelineCallbacks callbacks;
  callbacks.input_done = [&](const InputDone& done) { scorecard.AddInput(done.path, done.sha256); };
  callbacks.batch = [&](ScoredBatch& batch) -> Status {
    const std::string& path = options.traces[batch.input];
    for (const TraceResult& trace : batch.traces) {
      if (!trace.error.empty()) {
        Notify(events.trace_skipped, path, trace.line, trace.error);
        AppendTraceError(trace_errors, path, trace.line, trace.error);
        if (options.strict) {
          // --strict makes a broken trace a failure of the run (exit 3): the input could not be
          // read through.
          return Status::IoError(path + ":" + std::to_string(trace.line) + ": " + trace.error +
                                 " (--strict)");
        }
      }
      if (trace.sample.state == SampleMark::State::kMalformed) {
        ++result.malformed_samples;
        Notify(events.sample_malformed, path, trace.line, trace.sample.error);
      }
      scorecard.AddTrace(trace);
    }
    Notify(events.progress, scorecard.traces() + scorecard.trace_errors());
    return scores ? scores->Append(batch.rows) : Status::OK();
  };

  Notify(events.scoring_started);
  Status status = RunPipeline(suite, options.traces, pipeline, callbacks);
  Notify(events.scoring_finished);
  ARBITER_RETURN_IF_ERROR(status);

  result.interrupted = options.stop && options.stop->load();
  if (write) {
    nlohmann::ordered_json card = scorecard.Json();
    if (result.interrupted) card["interrupted"] = true;
    for (auto [name, contents] :
         {std::pair<const char*, std::string>{"scorecard.json", card.dump(2) + "\n"},
          std::pair<const char*, std::string>{"scorecard.md", scorecard.Markdown()},
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
  return result;
}

}  // namespace arbiter
