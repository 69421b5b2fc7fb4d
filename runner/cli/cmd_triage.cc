// `arbiter triage --traces FILE... --top K --out FILE [--per-session N] [--policy P]
// [--no-redact] [--threads N] [--group-stats exact|streaming]`: the traces most worth a human's
// look, ranked by anomaly score, each with
// `_triage` saying why (runner/triage/options.h lists the signals and their thresholds).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runner/base/atomic_file.h"
#include "runner/cli/cli.h"
#include "runner/redact/redactor.h"
#include "runner/source/trace_source.h"
#include "runner/triage/stream.h"

namespace arbiter {
namespace {

struct TriageFlags {
  std::vector<std::string> traces;
  std::string out;
  std::string policy;
  size_t top = 0;
  long per_session = -1;  // -1: the policy's (default 1)
  bool no_redact = false;
  size_t threads = 0;
  std::string group_stats = "exact";
};

std::string SignalCounts(const TriageSummary& summary) {
  std::string text;
  for (size_t i = 0; i < kTriageSignalCount; ++i) {
    text += std::string(i ? ", " : "") + TriageSignalName(static_cast<TriageSignal>(i)) + " " +
            std::to_string(summary.fired[i]) + "/" + std::to_string(summary.fired_queued[i]);
  }
  return text;
}

int Triage(const TriageFlags& flags) {
  TriageOptions options;
  if (!flags.policy.empty()) {
    Status loaded = LoadTriagePolicy(flags.policy, options);
    if (!loaded.ok()) return Fail("triage", loaded);
  }
  options.top = flags.top;
  options.threads = flags.threads;
  ParseTriageGroupStats(flags.group_stats, options.group_stats);  // checked by the flag
  if (flags.per_session >= 0) options.per_session = static_cast<size_t>(flags.per_session);
  Status valid = options.Validate();
  if (!valid.ok()) return Fail("triage", valid);
  Status files = CheckTraceFiles(flags.traces);
  if (files.ok()) files = CheckOutputsAreNotInputs({flags.out}, flags.traces, {flags.policy});
  if (!files.ok()) return Fail("triage", files);
  auto out = AtomicFile::Create(flags.out);
  if (!out.ok()) return Fail("triage", out.status());
  // The policy's own redaction patterns too, compiled before any trace is read.
  std::unique_ptr<Redactor> redactor;
  if (!flags.no_redact) {
    Result<Redactor> made = PolicyRedactor(flags.policy);
    if (!made.ok()) return Fail("triage", made.status());
    redactor = std::make_unique<Redactor>(std::move(*made));
  }
  Result<TriageSummary> summary =
      TriageTraces(flags.traces, options, redactor.get(), **out, stderr);
  if (!summary.ok()) return Fail("triage", summary.status());
  Status committed = (*out)->Commit();
  if (!committed.ok()) return Fail("triage", committed);

  std::fprintf(stderr, "arbiter triage: %llu traces read, %llu skipped, %llu queued into %s\n",
               static_cast<unsigned long long>(summary->traces),
               static_cast<unsigned long long>(summary->skipped),
               static_cast<unsigned long long>(summary->queued), flags.out.c_str());
  WarnWhenNoTrace("triage", summary->traces, summary->skipped);
  std::fprintf(stderr, "arbiter triage: signals (traces/queued): %s\n",
               SignalCounts(*summary).c_str());
  if (redactor) {
    std::fprintf(stderr, "arbiter triage: redacted: %s\n",
                 FormatRedactionCounts(*redactor, summary->redactions).c_str());
  } else {
    std::fprintf(stderr, "arbiter triage: not redacted (--no-redact)\n");
  }
  return kExitOk;
}

}  // namespace

Command TriageCommand() {
  return {"triage",
          "Queue the most anomalous traces for human annotation, with the reasons",
          {{"arbiter triage -t datasets/demo/traces.jsonl --top 20 -o out/queue.jsonl",
            "arbiter triage -t datasets/seed/candidate-swap.jsonl.gz --top 50 --per-session 2 -o "
            "out/swap-queue.jsonl -j 2"},
           kCommonExitCodes},
          [](CLI::App& app) -> std::function<int()> {
            auto flags = std::make_shared<TriageFlags>();
            app.add_option("-t,--traces", flags->traces,
                           "Trace files (JSONL, OTLP/JSON or OTLP/protobuf .pb; .gz; '-')")
                ->required();
            app.add_option("--top", flags->top, "Queue length: the K most anomalous traces")
                ->required()
                ->check(WholeNumber(1));
            app.add_option("-o,--out", flags->out, "The queue, one JSON line per trace, best first")
                ->required()
                ->check(OutputFile());
            app.add_option("--per-session", flags->per_session,
                           "At most N traces per session_id (0: unlimited; default 1)")
                ->check(WholeNumber(0, INT64_MAX));
            app.add_option("--policy", flags->policy,
                           "YAML file whose 'triage:' mapping sets thresholds and weights");
            AddThreadsOption(app, flags->threads,
                             "Threads parsing traces (0: one per core; at most 1024); the queue is "
                             "the same")
                ->capture_default_str();
            app.add_option("--group-stats", flags->group_stats,
                           "token_spike's group medians: 'exact', or 'streaming' as `arbiter "
                           "serve` finds them (a sketch per group, docs/SERVE.md)")
                ->check(CLI::IsMember({"exact", "streaming"}))
                ->capture_default_str();
            app.add_flag("--no-redact", flags->no_redact,
                         "Write traces as read (PII is redacted by default)");
            return [flags] { return Triage(*flags); };
          }};
}

}  // namespace arbiter
