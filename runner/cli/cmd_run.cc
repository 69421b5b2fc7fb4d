// `arbiter run --suite S --traces FILE... --out DIR`: scores traces, writes scores.jsonl,
// scorecard.json, scorecard.md (SPEC "Commands"), report.html (the scorecard as a page), and
// trace_errors.jsonl listing every broken trace that was skipped. Ends with the run's warnings
// (run_warnings_report.h).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/report_text.h"
#include "runner/cli/cli.h"
#include "runner/cli/progress.h"
#include "runner/cli/run_warnings_report.h"
#include "runner/cli/suite_loader.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/scoring/partial_run.h"
#include "runner/scoring/run_suite.h"
#include "runner/source/shard_spec.h"
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
  double max_error_rate = kDefaultMaxErrorRate;
  std::string format = "auto";
  bool quiet = false;
  std::vector<std::string> plugin_paths;
  std::string cache = ".arbiter/cache";
  bool no_cache = false;
  ShardFlags shard;
  std::string input_hash = "sha256_chunks";
  bool stage_times = false;
};

// Prints the first few broken traces (all of them are in trace_errors.jsonl), through the
// progress display, which keeps its line whole.
class TraceErrorLog {
 public:
  static constexpr int kPrinted = 20;

  explicit TraceErrorLog(Progress& progress) : progress_(progress) {}
  void Add(const std::string& path, uint64_t line, const std::string& reason) {
    if (++count_ <= kPrinted) progress_.Print(SkipMessage(path, line, reason) + "\n");
  }

 private:
  Progress& progress_;
  uint64_t count_ = 0;
};

// Reports traces whose `_sample` is malformed: scored, but left out of the population figures
// (the scorecard counts them in "sample.malformed"). The first few go to stderr.
class SampleMarkLog {
 public:
  explicit SampleMarkLog(Progress& progress) : progress_(progress) {}
  void Add(const std::string& path, uint64_t line, const std::string& reason) {
    if (++count_ <= TraceErrorLog::kPrinted) {
      progress_.Print(path + ":" + std::to_string(line) + ": " + reason +
                      " (trace scored, left out of population_pass_rate)\n");
    }
  }
  void Finish() const {
    if (count_ > TraceErrorLog::kPrinted) {
      std::fprintf(stderr, "... and %llu more traces with a malformed _sample\n",
                   static_cast<unsigned long long>(count_ - TraceErrorLog::kPrinted));
    }
  }

 private:
  Progress& progress_;
  uint64_t count_ = 0;
};

// The live figures of the suite's judges together; none when no evaluator makes calls.
std::optional<LiveCalls> SuiteLiveCalls(const Suite& suite) {
  std::optional<LiveCalls> total;
  for (const LoadedEvaluator& evaluator : suite.evaluators) {
    if (!evaluator.skipped.empty()) continue;
    if (std::optional<LiveCalls> live = evaluator.evaluator->Live()) {
      total = total.value_or(LiveCalls{});
      *total += *live;
    }
  }
  return total;
}

int Run(const RunFlags& flags) {
  namespace fs = std::filesystem;
  PluginRegistry registry;
  Result<Suite> suite = LoadSuiteWithPlugins(flags.suite, registry, flags.plugin_paths);
  if (!suite.ok()) return Fail("run", suite.status());
  Status files = CheckTraceFiles(flags.traces);
  if (!files.ok()) return Fail("run", files);
  Result<std::optional<ShardSpec>> shard = ResolveShard(flags.shard);
  if (!shard.ok()) return Fail("run", shard.status());
  const fs::path out_dir(flags.out);
  Status distinct = CheckOutputsAreNotInputs(
      {out_dir / "scores.jsonl", out_dir / "scorecard.json", out_dir / "scorecard.md",
       out_dir / "report.html", out_dir / "trace_errors.jsonl", out_dir / kShardFile},
      flags.traces);
  if (!distinct.ok()) return Fail("run", distinct);
  RunSuiteOptions options;
  options.traces = flags.traces;
  options.out = flags.out;
  options.threads = flags.threads;
  options.format = flags.format == "jsonl"  ? TraceFormat::kJsonl
                   : flags.format == "otlp" ? TraceFormat::kOtlp
                                            : TraceFormat::kAuto;
  options.strict = flags.strict;
  options.max_error_rate = flags.max_error_rate;
  if (!flags.no_cache) options.cache_dir = flags.cache;
  options.stop = &g_interrupted;
  options.shard = *shard;
  options.input_hash = *ParseInputHashKind(flags.input_hash);  // CLI11 checked the name
  options.stage_times = flags.stage_times;
  Progress progress(!flags.quiet, [&suite] { return SuiteLiveCalls(*suite); });
  TraceErrorLog trace_errors(progress);
  SampleMarkLog sample_marks(progress);
  auto started = std::chrono::steady_clock::now();
  RunSuiteEvents& events = options.events;
  events.evaluator_skipped = [](const LoadedEvaluator& evaluator) {
    std::fprintf(stderr, "arbiter run: %s skipped: %s\n", evaluator.spec.id.c_str(),
                 evaluator.skipped.c_str());
  };
  events.scoring_started = [&](std::optional<uint64_t> input_bytes) {
    started = std::chrono::steady_clock::now();
    std::signal(SIGINT, OnInterrupt);
    std::signal(SIGTERM, OnInterrupt);
    progress.Start(input_bytes);
  };
  events.scoring_finished = [&] {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  };
  events.writing_outputs = [&] { progress.Writing(); };
  events.trace_skipped = [&](const std::string& path, uint64_t line, const std::string& reason) {
    trace_errors.Add(path, line, reason);
  };
  events.sample_malformed = [&](const std::string& path, uint64_t line, const std::string& reason) {
    sample_marks.Add(path, line, reason);
  };
  events.progress = [&](uint64_t traces, uint64_t bytes) { progress.Update(traces, bytes); };
  Result<RunSuiteResult> run = RunSuite(*suite, options);
  progress.Finish();
  if (!run.ok()) return Fail("run", run.status());
  // On a terminal, the display's last figures stay as a line of their own.
  if (std::string summary = progress.Summary(); !summary.empty()) {
    std::fprintf(stderr, "%s\n", summary.c_str());
  }

  const fs::path out(flags.out);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (run->trace_errors > TraceErrorLog::kPrinted) {
    std::fprintf(stderr, "... and %llu more broken traces, all listed in %s\n",
                 static_cast<unsigned long long>(run->trace_errors - TraceErrorLog::kPrinted),
                 (out / "trace_errors.jsonl").c_str());
  }
  sample_marks.Finish();
  if (run->sampled && run->without_sample > 0) {
    std::fprintf(stderr,
                 "arbiter run: %llu traces have no _sample among sampled ones; "
                 "population_pass_rate counts each once (weight 1, a cell of their own)\n",
                 static_cast<unsigned long long>(run->without_sample));
  }
  std::fprintf(
      stderr, "scored %s with %s in %.2f s (%.0f traces/s)%s\n",
      Plural(run->traces, "trace").c_str(), Plural(suite->evaluators.size(), "evaluator").c_str(),
      seconds, seconds > 0 ? run->traces / seconds : 0.0,
      run->trace_errors ? (", " + Plural(run->trace_errors, "broken trace") + " skipped").c_str()
                        : "");
  if (options.shard) {
    std::fprintf(stderr, "partial run: %s (shard %s; arbiter merge adds the shards up)\n",
                 (out / kShardFile).c_str(), options.shard->Text().c_str());
  } else {
    std::fprintf(stderr, "scorecard: %s\nreport: %s\n", (out / "scorecard.json").c_str(),
                 (out / "report.html").c_str());
  }
  if (run->stage_times) std::fputs(StageTimesText(*run->stage_times).c_str(), stderr);
  int warned = ReportWarnings("run", run->warnings, flags.strict);
  if (run->interrupted) {
    return Fail("run", Status::Internal("interrupted; the traces scored so far were written"));
  }
  return warned;
}

}  // namespace

Command RunCommand() {
  return {
      "run",
      "Score traces with a suite; write scores.jsonl and the scorecard",
      {{"arbiter run -s evaluators/suites/demo.yaml -t datasets/demo/traces.jsonl -o out/demo",
        "arbiter run -s evaluators/suites/demo.yaml -t datasets/seed/candidate-swap.jsonl.gz "
        "-o out/swap -j 4 -q"},
       kCommonExitCodes},
      [](CLI::App& app) -> std::function<int()> {
        auto flags = std::make_shared<RunFlags>();
        app.add_option("-s,--suite", flags->suite, "Suite YAML file")->required();
        app.add_option("-t,--traces", flags->traces,
                       "Trace files: JSONL, OTLP/JSON or OTLP/protobuf (.pb), .gz read directly, - "
                       "for stdin")
            ->required()
            ->expected(1, -1);
        app.add_option("-o,--out", flags->out, "Output folder")->required()->check(OutputFolder());
        AddThreadsOption(app, flags->threads, "Worker threads (default: core count; at most 1024)");
        app.add_flag("--strict", flags->strict,
                     "Stop at the first broken trace; exit 3 on any warning too");
        AddMaxErrorRateOption(app, flags->max_error_rate);
        app.add_option("--format", flags->format, "Trace format (default: detected)")
            ->check(CLI::IsMember({"auto", "jsonl", "otlp"}));
        app.add_flag("-q,--quiet", flags->quiet, "No progress display");
        AddPluginPathOption(app, flags->plugin_paths);
        AddCacheOptions(app, flags->cache, flags->no_cache);
        app.add_option("--input-hash", flags->input_hash,
                       "The inputs' content hash in scorecard.json: sha256_chunks (default; "
                       "SHA-256 over the SHA-256 of each 1 MiB, on all threads) or sha256 (as "
                       "sha256sum prints it, on one thread)")
            ->check(CLI::IsMember({"sha256_chunks", "sha256"}));
        app.add_flag("--stage-times", flags->stage_times,
                     "Print each pipeline stage's CPU time per trace on stderr at the end");
        AddShardOptions(app, flags->shard,
                        "Score only part I of N of the inputs (0-based I/N, or auto from "
                        "JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID) and write a partial run "
                        "for arbiter merge");
        return [flags] { return Run(*flags); };
      }};
}

}  // namespace arbiter
