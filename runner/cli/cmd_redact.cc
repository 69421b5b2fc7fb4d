// `arbiter redact --traces FILE... --out FILE [--policy P]`: PII replaced by typed placeholders
// in every string of every trace, before traces go to annotators.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runner/base/atomic_file.h"
#include "runner/cli/cli.h"
#include "runner/redact/options.h"
#include "runner/redact/redactor.h"
#include "runner/redact/stream.h"
#include "runner/source/trace_source.h"

namespace arbiter {
namespace {

struct RedactFlags {
  std::vector<std::string> traces;
  std::string out;
  std::string policy;
};

int Redact(const RedactFlags& flags) {
  // The policy's patterns are compiled before any trace is read: a bad one is a usage error.
  Result<Redactor> redactor = PolicyRedactor(flags.policy);
  if (!redactor.ok()) return Fail("redact", redactor.status());
  Status files = CheckTraceFiles(flags.traces);
  if (files.ok()) files = CheckOutputsAreNotInputs({flags.out}, flags.traces, {flags.policy});
  if (!files.ok()) return Fail("redact", files);
  auto out = AtomicFile::Create(flags.out);
  if (!out.ok()) return Fail("redact", out.status());
  Result<RedactSummary> summary = RedactTraces(flags.traces, *redactor, **out, stderr);
  if (!summary.ok()) return Fail("redact", summary.status());
  Status committed = (*out)->Commit();
  if (!committed.ok()) return Fail("redact", committed);
  std::fprintf(stderr, "arbiter redact: %llu traces written to %s, %llu skipped; redacted: %s\n",
               static_cast<unsigned long long>(summary->traces), flags.out.c_str(),
               static_cast<unsigned long long>(summary->skipped),
               FormatRedactionCounts(*redactor, summary->counts).c_str());
  WarnWhenNoTrace("redact", summary->traces, summary->skipped);
  return kExitOk;
}

}  // namespace

Command RedactCommand() {
  return {"redact",
          "Replace PII and secrets in traces with typed placeholders",
          {{"arbiter redact -t datasets/demo/traces.jsonl -o out/redacted.jsonl",
            "arbiter redact -t datasets/seed/candidate-swap.jsonl.gz -o out/swap-redacted.jsonl "
            "--policy datasets/demo/sample-policy.yaml"},
           kCommonExitCodes},
          [](CLI::App& app) -> std::function<int()> {
            auto flags = std::make_shared<RedactFlags>();
            app.add_option("-t,--traces", flags->traces,
                           "Trace files (JSONL, OTLP/JSON or OTLP/protobuf .pb; .gz; '-')")
                ->required();
            app.add_option("-o,--out", flags->out, "Redacted traces, one JSON line each")
                ->required()
                ->check(OutputFile());
            app.add_option("--policy", flags->policy,
                           "Policy YAML whose redact.patterns ({NAME: 'regex'}) add types "
                           "<NAME>; its other keys are checked and left to sample and triage");
            // A footer callback goes before the footer string (the examples and exit codes).
            app.footer([] {
              return std::string(
                  "Types: EMAIL; PHONE; CARD (Luhn); IBAN (mod-97); NATIONAL_ID (US SSN, UK NINO,\n"
                  "Spanish DNI/NIE, Dutch BSN after its name, Italian codice fiscale); IP (v4,\n"
                  "v6); SECRET (API key prefixes, JWTs, private keys, bearer tokens, long\n"
                  "high-entropy tokens); and the policy's own. Every string of a trace is\n"
                  "redacted; stderr gets a count per type.\n");
            });
            return [flags] { return Redact(*flags); };
          }};
}

}  // namespace arbiter
