// `arbiter run --suite S --traces FILE... --out DIR`: scores traces, writes scores.jsonl,
// scorecard.json, scorecard.md (SPEC "Commands"), and trace_errors.jsonl listing every broken
// trace that was skipped.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runner/base/atomic_file.h"
#include "runner/base/json_util.h"
#include "runner/cli/cli.h"
#include "runner/cli/progress.h"
#include "runner/cli/suite_loader.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/plugin_host/plugin_loader.h"
#include "runner/scoring/run_pipeline.h"
#include "runner/scoring/scorecard.h"
#include "runner/source/trace_records.h"
#include "runner/source/trace_source.h"
#include "runner/suite/suite.h"

namespace arbiter {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

struct RunFlags {
  std::string suite;
  std::vector<std::string> traces;
  std::string out;
  int threads = 0;
  bool strict = false;
  std::string format = "auto";
  bool quiet = false;
  std::vector<std::string> plugin_paths;
  std::string cache = ".arbiter/cache";
  bool no_cache = false;
};

// Reports broken traces: every one to trace_errors.jsonl, the first few to stderr.
class TraceErrorLog {
 public:
  static constexpr int kPrinted = 20;

  void Add(const std::string& path, uint64_t line, const std::string& reason) {
    if (++count_ <= kPrinted) {
      std::fprintf(stderr, "%s\n", SkipMessage(path, line, reason).c_str());
    }
    text_ += "{\"file\": ";
    AppendJsonString(text_, path);
    text_ += ", \"line\": " + std::to_string(line) + ", \"reason\": ";
    AppendJsonString(text_, reason);
    text_ += "}\n";
  }
  uint64_t count() const { return count_; }
  const std::string& text() const { return text_; }

 private:
  uint64_t count_ = 0;
  std::string text_;
};

// Reports traces whose `_sample` is malformed: scored, but left out of the population figures
// (the scorecard counts them in "sample.malformed"). The first few go to stderr.
class SampleMarkLog {
 public:
  void Add(const std::string& path, uint64_t line, const std::string& reason) {
    if (++count_ <= TraceErrorLog::kPrinted) {
      std::fprintf(stderr, "%s:%llu: %s (trace scored, left out of population_pass_rate)\n",
                   path.c_str(), static_cast<unsigned long long>(line), reason.c_str());
    }
  }
  void Finish() const {
    if (count_ > TraceErrorLog::kPrinted) {
      std::fprintf(stderr, "... and %llu more traces with a malformed _sample\n",
                   static_cast<unsigned long long>(count_ - TraceErrorLog::kPrinted));
    }
  }

 private:
  uint64_t count_ = 0;
};

int Run(const RunFlags& flags) {
  namespace fs = std::filesystem;
  PluginRegistry registry;
  Result<Suite> suite = LoadSuiteWithPlugins(flags.suite, registry, flags.plugin_paths);
  if (!suite.ok()) return Fail("run", suite.status());
  Status files = CheckTraceFiles(flags.traces);
  if (!files.ok()) return Fail("run", files);
  std::error_code ec;
  fs::create_directories(flags.out, ec);
  if (ec) {
    return Fail("run",
                Status::IoError(flags.out + ": cannot create output folder: " + ec.message()));
  }

  PipelineOptions options;
  options.threads = ResolveThreads(flags.threads);
  options.source.format = flags.format == "jsonl"  ? TraceFormat::kJsonl
                          : flags.format == "otlp" ? TraceFormat::kOtlp
                                                   : TraceFormat::kAuto;
  options.stop = &g_interrupted;
  for (LoadedEvaluator& evaluator : suite->evaluators) {
    Status prepared = evaluator.evaluator->PrepareWorkers(options.threads);
    if (!prepared.ok()) return Fail("run", prepared.WithContext(evaluator.spec.id + ": "));
  }
  RunSettings settings;
  if (!flags.no_cache) settings.cache_dir = flags.cache;
  settings.stop = &g_interrupted;
  for (LoadedEvaluator& evaluator : suite->evaluators) {
    if (!evaluator.skipped.empty()) {
      std::fprintf(stderr, "arbiter run: %s skipped: %s\n", evaluator.spec.id.c_str(),
                   evaluator.skipped.c_str());
      continue;
    }
    Status prepared = evaluator.evaluator->PrepareRun(settings);
    if (!prepared.ok()) return Fail("run", prepared.WithContext(evaluator.spec.id + ": "));
  }

  const fs::path out(flags.out);
  auto scores = AtomicFile::Create(out / "scores.jsonl");
  if (!scores.ok()) return Fail("run", scores.status());
  ScorecardBuilder scorecard(*suite);
  TraceErrorLog trace_errors;
  SampleMarkLog sample_marks;
  Progress progress(!flags.quiet);
  auto started = std::chrono::steady_clock::now();

  PipelineCallbacks callbacks;
  callbacks.input_done = [&](const InputDone& done) { scorecard.AddInput(done.path, done.sha256); };
  callbacks.batch = [&](ScoredBatch& batch) -> Status {
    const std::string& path = flags.traces[batch.input];
    for (const TraceResult& trace : batch.traces) {
      if (!trace.error.empty()) {
        trace_errors.Add(path, trace.line, trace.error);
        if (flags.strict) {
          // --strict makes a broken trace a failure of the run (exit 3): the input could not be
          // read through.
          return Status::IoError(path + ":" + std::to_string(trace.line) + ": " + trace.error +
                                 " (--strict)");
        }
      }
      if (trace.sample.state == SampleMark::State::kMalformed) {
        sample_marks.Add(path, trace.line, trace.sample.error);
      }
      scorecard.AddTrace(trace);
    }
    progress.Update(scorecard.traces() + scorecard.trace_errors());
    return (*scores)->Append(batch.rows);
  };

  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  Status status = RunPipeline(*suite, flags.traces, options, callbacks);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  progress.Finish();
  if (!status.ok()) return Fail("run", status);

  nlohmann::ordered_json card = scorecard.Json();
  if (g_interrupted.load()) card["interrupted"] = true;
  for (auto [name, contents] :
       {std::pair<const char*, std::string>{"scorecard.json", card.dump(2) + "\n"},
        std::pair<const char*, std::string>{"scorecard.md", scorecard.Markdown()},
        std::pair<const char*, std::string>{"trace_errors.jsonl", trace_errors.text()}}) {
    Status written = WriteFileAtomic(out / name, contents);
    if (!written.ok()) return Fail("run", written);
  }
  Status committed = (*scores)->Commit();
  if (!committed.ok()) return Fail("run", committed);

  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (trace_errors.count() > TraceErrorLog::kPrinted) {
    std::fprintf(stderr, "... and %llu more broken traces, all listed in %s\n",
                 static_cast<unsigned long long>(trace_errors.count() - TraceErrorLog::kPrinted),
                 (out / "trace_errors.jsonl").c_str());
  }
  sample_marks.Finish();
  if (scorecard.sampled() && scorecard.without_sample() > 0) {
    std::fprintf(stderr,
                 "arbiter run: %llu traces have no _sample among sampled ones; "
                 "population_pass_rate counts each once (weight 1, a cell of their own)\n",
                 static_cast<unsigned long long>(scorecard.without_sample()));
  }
  std::fprintf(
      stderr, "scored %llu traces with %zu evaluators in %.2f s (%.0f traces/s)%s\n",
      static_cast<unsigned long long>(scorecard.traces()), suite->evaluators.size(), seconds,
      seconds > 0 ? scorecard.traces() / seconds : 0.0,
      trace_errors.count()
          ? (", " + std::to_string(trace_errors.count()) + " broken traces skipped").c_str()
          : "");
  std::fprintf(stderr, "scorecard: %s\n", (out / "scorecard.json").c_str());
  if (g_interrupted.load())
    return Fail("run", Status::Internal("interrupted; the traces scored so far were written"));
  return kExitOk;
}

}  // namespace

Command RunCommand() {
  return {"run", "Score traces with a suite; write scores.jsonl and the scorecard",
          [](CLI::App& app) -> std::function<int()> {
            auto flags = std::make_shared<RunFlags>();
            app.add_option("--suite", flags->suite, "Suite YAML file")->required();
            app.add_option("--traces", flags->traces,
                           "Trace files: JSONL or OTLP/JSON, .gz read directly, - for stdin")
                ->required()
                ->expected(1, -1);
            app.add_option("--out", flags->out, "Output folder")->required();
            app.add_option("--threads", flags->threads, "Worker threads (default: core count)")
                ->check(CLI::NonNegativeNumber);
            app.add_flag("--strict", flags->strict, "Stop at the first broken trace (exit 3)");
            app.add_option("--format", flags->format, "Trace format (default: detected)")
                ->check(CLI::IsMember({"auto", "jsonl", "otlp"}));
            app.add_flag("--quiet", flags->quiet, "No progress display");
            AddPluginPathOption(app, flags->plugin_paths);
            app.add_option("--cache", flags->cache,
                           "Folder of the judge response cache (default: .arbiter/cache)");
            app.add_flag("--no-cache", flags->no_cache,
                         "Neither read nor write the judge response cache");
            return [flags] { return Run(*flags); };
          }};
}

}  // namespace arbiter
