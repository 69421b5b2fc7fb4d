// `arbiter gate --baseline DIR --candidate DIR --out DIR`: compares two runs evaluator by
// evaluator and decides whether the candidate may ship. Writes gate.json, gate.md (also appended
// to $GITHUB_STEP_SUMMARY when set), junit.xml and report.html. Exit 0 passed, 1 blocked.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "runner/calibration/history_store.h"
#include "runner/cli/cli.h"
#include "runner/cli/suite_loader.h"
#include "runner/gate/run_gate.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/suite/suite.h"

namespace arbiter {
namespace {

struct GateFlags {
  std::string baseline;
  std::string candidate;
  std::string out;
  std::string calibration;
  std::string history = kDefaultHistoryPath;
  std::string suite;
  std::optional<double> tolerance;
};

int Gate(const GateFlags& flags) {
  namespace fs = std::filesystem;
  RunGateOptions options;
  options.baseline = flags.baseline;
  options.candidate = flags.candidate;
  options.out = flags.out;
  options.calibration = flags.calibration;
  options.history = flags.history;
  if (!flags.suite.empty()) {
    PluginRegistry registry;
    Result<Suite> suite = LoadSuiteWithPlugins(flags.suite, registry);
    if (!suite.ok()) return Fail("gate", suite.status());
    options.gate.tolerance = suite->gate.tolerance;
  }
  if (flags.tolerance) options.gate.tolerance = *flags.tolerance;

  Result<GateRun> gate = RunGate(options);
  if (!gate.ok()) return Fail("gate", gate.status());
  const std::string& markdown = gate->markdown;
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) {
    std::ofstream(summary, std::ios::app) << markdown << "\n";
  }

  std::printf("%s", markdown.c_str());
  std::fprintf(stderr, "reports: %s\n", (fs::path(flags.out) / "report.html").c_str());
  return gate->result.decision == GateDecision::kBlocked ? kExitGateBlocked : kExitOk;
}

}  // namespace

Command GateCommand() {
  return {"gate", "Compare a candidate run with a baseline; exit 1 when a gate evaluator blocks",
          [](CLI::App& app) -> std::function<int()> {
            auto flags = std::make_shared<GateFlags>();
            app.add_option("--baseline", flags->baseline, "The baseline run's output folder")
                ->required();
            app.add_option("--candidate", flags->candidate, "The candidate run's output folder")
                ->required();
            app.add_option("--out", flags->out, "Folder for the reports")->required();
            app.add_option("--calibration", flags->calibration,
                           "calibration.json giving the roles (default: the history store)");
            app.add_option("--history", flags->history, "History store (SQLite)")
                ->capture_default_str();
            app.add_option("--suite", flags->suite, "Suite whose gate policy (tolerance) applies");
            app.add_option("--tolerance", flags->tolerance,
                           "Largest pass-rate drop that does not block (default: the suite's, "
                           "else 0.02)")
                ->check(CLI::Range(0.0, 1.0));
            return [flags] { return Gate(*flags); };
          }};
}

}  // namespace arbiter
