#include "runner/cli/run_warnings_report.h"

#include <cstdio>

#include "runner/cli/cli.h"

namespace arbiter {

void AddMaxErrorRateOption(CLI::App& app, double& max_error_rate) {
  app.add_option("--max-error-rate", max_error_rate,
                 "Warn when more than this share of an evaluator's traces are errors")
      ->capture_default_str()
      ->check(FiniteNumber())
      ->check(CLI::Range(0.0, 1.0));
}

int ReportWarnings(std::string_view command, const std::vector<RunWarning>& warnings, bool strict) {
  const int width = static_cast<int>(command.size());
  for (const RunWarning& warning : warnings) {
    std::fprintf(stderr, "arbiter %.*s: warning: %s\n", width, command.data(),
                 warning.message.c_str());
  }
  if (!strict || warnings.empty()) return kExitOk;
  std::fprintf(stderr, "arbiter %.*s: %zu warning%s under --strict\n", width, command.data(),
               warnings.size(), warnings.size() == 1 ? "" : "s");
  return kExitRuntime;
}

}  // namespace arbiter
