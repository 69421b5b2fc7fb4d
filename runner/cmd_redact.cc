// `arbiter redact --traces FILE... --out FILE`: PII replaced by typed placeholders in every
// string of every trace, before traces go to annotators.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runner/atomic_file.h"
#include "runner/cli.h"
#include "runner/redact_stream.h"
#include "runner/redactor.h"

namespace arbiter {
namespace {

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "arbiter redact: %s\n", message.c_str());
  return code;
}

int Redact(const std::vector<std::string>& traces, const std::string& out_path) {
  for (const std::string& path : traces) {
    if (path != "-" && !std::filesystem::is_regular_file(path)) {
      return Fail(kExitUsage, path + ": no such trace file");
    }
  }
  auto out = AtomicFile::Create(out_path);
  if (!out.ok()) return Fail(kExitRuntime, out.status().message());
  Redactor redactor;
  Result<RedactSummary> summary = RedactTraces(traces, redactor, **out, stderr);
  if (!summary.ok()) return Fail(kExitRuntime, summary.status().message());
  Status committed = (*out)->Commit();
  if (!committed.ok()) return Fail(kExitRuntime, committed.message());

  std::string counts;
  for (size_t i = 0; i < kPiiTypeCount; ++i) {
    counts += std::string(counts.empty() ? "" : ", ") + PiiTypeName(static_cast<PiiType>(i)) + " " +
              std::to_string(summary->counts.by_type[i]);
  }
  std::fprintf(stderr, "arbiter redact: %llu traces written to %s, %llu skipped; redacted: %s\n",
               static_cast<unsigned long long>(summary->traces), out_path.c_str(),
               static_cast<unsigned long long>(summary->skipped), counts.c_str());
  return kExitOk;
}

}  // namespace

Command RedactCommand() {
  return {"redact", "Replace PII and secrets in traces with typed placeholders",
          [](CLI::App& app) -> std::function<int()> {
            auto traces = std::make_shared<std::vector<std::string>>();
            auto out = std::make_shared<std::string>();
            app.add_option("--traces", *traces, "Trace files (JSONL or OTLP/JSON, .gz, '-')")
                ->required();
            app.add_option("--out", *out, "Redacted traces, one JSON line each")->required();
            return [traces, out] { return Redact(*traces, *out); };
          }};
}

}  // namespace arbiter
