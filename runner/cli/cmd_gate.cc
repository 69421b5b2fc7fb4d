// `arbiter gate --baseline DIR --candidate DIR --out DIR`: compares two runs evaluator by
// evaluator and decides whether the candidate may ship. Writes gate.json, gate.md (also appended
// to $GITHUB_STEP_SUMMARY when set), junit.xml and report.html. Exit 0 passed, 1 blocked,
// 4 inconclusive: the gate never exits 0 on what it could not check.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "runner/base/db_url.h"
#include "runner/base/path_checks.h"
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
  bool history_given = false;
  std::string suite;
  std::optional<double> tolerance, min_coverage, max_error_rate;
  bool allow_uncalibrated = false;
};

int Gate(const GateFlags& flags) {
  namespace fs = std::filesystem;
  // A path the user typed that names nothing would otherwise read as "nothing calibrated".
  if (!flags.calibration.empty() && !IsRegularFile(flags.calibration)) {
    return Fail("gate",
                Status::InvalidArgument("--calibration " + flags.calibration + ": no such file"));
  }
  if (flags.history_given && !IsPostgresUrl(flags.history) && !IsRegularFile(flags.history)) {
    return Fail("gate", Status::InvalidArgument(
                            "--history " + flags.history +
                            ": no such history store (arbiter calibrate --history creates it)"));
  }
  for (const auto& [folder, what] : {std::pair{flags.baseline, "the --baseline run"},
                                     std::pair{flags.candidate, "the --candidate run"}}) {
    Status outside = CheckOutputFolderIsNot(flags.out, folder, what, false);
    if (!outside.ok()) return Fail("gate", outside);
  }
  if (SameFile(flags.baseline, flags.candidate)) {
    std::fprintf(stderr,
                 "arbiter gate: warning: --baseline and --candidate are the same folder (%s): "
                 "the run is compared with itself\n",
                 flags.candidate.c_str());
  }
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
    options.gate.min_coverage = suite->gate.min_coverage;
    options.gate.max_error_rate = suite->gate.max_error_rate;
  }
  if (flags.tolerance) options.gate.tolerance = *flags.tolerance;
  if (flags.min_coverage) options.gate.min_coverage = *flags.min_coverage;
  if (flags.max_error_rate) options.gate.max_error_rate = *flags.max_error_rate;
  options.gate.allow_uncalibrated = flags.allow_uncalibrated;

  Result<GateRun> gate = RunGate(options);
  if (!gate.ok()) return Fail("gate", gate.status());
  const std::string& markdown = gate->markdown;
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) {
    std::ofstream(summary, std::ios::app) << markdown << "\n";
  }

  std::printf("%s", markdown.c_str());
  std::fprintf(stderr, "%s\nreports: %s\n", gate->result.headline.c_str(),
               (fs::path(flags.out) / "report.html").c_str());
  switch (gate->result.decision) {
    case GateDecision::kBlocked:
      return kExitGateBlocked;
    case GateDecision::kInconclusive:
      return kExitGateInconclusive;
    case GateDecision::kPassed:
      break;
  }
  return kExitOk;
}

}  // namespace

Command GateCommand() {
  return {"gate",
          "Compare a candidate run with a baseline; exit 1 when a gate evaluator blocks, 4 when "
          "the gate cannot vouch for the candidate",
          {{"arbiter gate -s evaluators/suites/demo.yaml --baseline out/demo --candidate out/swap "
            "-o out/gate --calibration datasets/seed/calibration.json",
            "arbiter gate --baseline out/demo --candidate out/swap -o out/gate-history --history "
            "out/history.db"},
           {kExitOk, kExitGateBlocked, kExitUsage, kExitRuntime, kExitGateInconclusive}},
          [](CLI::App& app) -> std::function<int()> {
            auto flags = std::make_shared<GateFlags>();
            app.add_option("--baseline", flags->baseline, "The baseline run's output folder")
                ->required();
            app.add_option("--candidate", flags->candidate, "The candidate run's output folder")
                ->required();
            app.add_option("-o,--out", flags->out, "Folder for the reports")
                ->required()
                ->check(OutputFolder());
            app.add_option("--calibration", flags->calibration,
                           "calibration.json giving the roles (default: the history store)");
            app.add_option("--history", flags->history,
                           "History store: a SQLite file or a postgresql:// URL; a path given "
                           "here must exist")
                ->capture_default_str()
                ->envname("ARBITER_HISTORY")
                ->each([flags](const std::string&) { flags->history_given = true; });
            app.add_option("-s,--suite", flags->suite,
                           "Suite whose gate policy (tolerance, min_coverage, max_error_rate) "
                           "applies");
            app.add_option("--tolerance", flags->tolerance,
                           "Largest pass-rate drop, as a fraction, that does not block (default: "
                           "the suite's, else 0.02 = 2 points)")
                ->check(FiniteNumber())
                ->check(CLI::Range(0.0, 1.0));
            app.add_option("--min-coverage", flags->min_coverage,
                           "Least share of the baseline's judged traces both runs must share "
                           "(default: the suite's, else 0.9)")
                ->check(FiniteNumber())
                ->check(CLI::Range(0.0, 1.0));
            app.add_option("--max-error-rate", flags->max_error_rate,
                           "Largest candidate error share a gate evaluator may have (default: "
                           "the suite's, else 0.05)")
                ->check(FiniteNumber())
                ->check(CLI::Range(0.0, 1.0));
            app.add_flag("--allow-uncalibrated", flags->allow_uncalibrated,
                         "Let uncalibrated evaluators gate (a first run before any labels); "
                         "every report says so");
            return [flags] { return Gate(*flags); };
          }};
}

}  // namespace arbiter
