// `arbiter calibrate --suite S --traces FILE... --labels NAME@vN --out DIR`: every evaluator
// whose failure mode has labels is compared with them (scores from running the suite on the
// traces, or read from a run's scores.jsonl with --scores); writes calibration.json and
// calibration.md and records each calibration in the history store.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/report_text.h"
#include "runner/calibration/calibrate.h"
#include "runner/calibration/calibration_report.h"
#include "runner/calibration/history_store.h"
#include "runner/cli/cli.h"
#include "runner/cli/json_output.h"
#include "runner/cli/suite_loader.h"
#include "runner/labels/label_store.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/suite/suite.h"

namespace arbiter {
namespace {

struct CalibrateFlags {
  std::string suite;
  std::vector<std::string> traces;
  std::string scores;
  std::string labels;
  std::string labels_root = kDefaultLabelRoot;
  std::string out;
  std::string history = kDefaultHistoryPath;
  bool no_history = false;
  int threads = 0;
  uint64_t seed = BootstrapOptions().seed;
  bool json = false;  // calibration.json on stdout instead of the table
};

int RunCalibrate(const CalibrateFlags& flags) {
  namespace fs = std::filesystem;
  if (flags.traces.empty() && flags.scores.empty()) {
    return Fail("calibrate",
                Status::InvalidArgument(
                    "give --traces (to score them) or --scores (a run's scores.jsonl)"));
  }
  // A label set is immutable: reports written into its folder would break `labels verify`.
  const std::string set_name = flags.labels.substr(0, flags.labels.find('@'));
  if (!set_name.empty()) {
    Status outside = CheckOutputFolderIsNot(
        flags.out, (fs::path(flags.labels_root) / set_name).string(), "the label set", true);
    if (!outside.ok()) return Fail("calibrate", outside);
  }
  PluginRegistry registry;
  Result<Suite> suite = LoadSuiteWithPlugins(flags.suite, registry);
  if (!suite.ok()) return Fail("calibrate", suite.status());
  CalibrateOptions options;
  options.labels = flags.labels;
  options.labels_root = flags.labels_root;
  options.scores = flags.scores;
  options.traces = flags.traces;
  options.threads = flags.threads;
  options.out = flags.out;
  options.history = flags.history;
  options.no_history = flags.no_history;
  options.seed = flags.seed;
  Result<CalibrationRun> run = Calibrate(*suite, options);
  if (!run.ok()) return Fail("calibrate", run.status());
  for (const std::string& broken : run->broken_traces) {
    std::fprintf(stderr, "arbiter calibrate: %s; skipped\n", broken.c_str());
  }
  for (std::string_view line : run->notes.lines) {  // Markdown list items in calibration.md
    if (line.starts_with("- ")) line.remove_prefix(2);
    std::fprintf(stderr, "arbiter calibrate: %.*s\n", static_cast<int>(line.size()), line.data());
  }
  if (run->measured_nothing()) {
    std::fprintf(stderr,
                 "arbiter calibrate: warning: no evaluator was compared with a single label: "
                 "none of the labeled traces was scored (are these the labeled traces, and this "
                 "the label set's suite?)\n");
  }
  if (flags.json) {
    PrintJsonDocument(CalibrationJson(*run));
    return kExitOk;
  }

  for (const EvaluatorCalibration& c : run->evaluators) {
    std::optional<double> agreement = c.agreement();
    std::printf("%-26s v%-3d labels %-4d mcc %-6s role %s\n", c.id.c_str(), c.version,
                static_cast<int>(c.labels), FigureText(agreement, 2).c_str(),
                RoleName(c.role).c_str());
  }
  for (const std::string& id : run->notes.unlabeled) {
    std::printf("%-26s no labels for its failure mode: uncalibrated\n", id.c_str());
  }
  std::fprintf(stderr, "calibration: %s\n", (fs::path(flags.out) / "calibration.json").c_str());
  return kExitOk;
}

}  // namespace

Command CalibrateCommand() {
  return {
      "calibrate",
      "Measure evaluators against a label set; decide their roles",
      {{"arbiter calibrate -s evaluators/suites/demo.yaml -t datasets/demo/traces.jsonl "
        "--labels support-seed@v1 -o out/calibration --history out/history.db",
        "arbiter calibrate -s evaluators/suites/demo.yaml --scores out/demo/scores.jsonl "
        "--labels support-seed@v2 -o out/calibration-v2 --no-history --json"},
       kCommonExitCodes},
      [](CLI::App& app) -> std::function<int()> {
        auto flags = std::make_shared<CalibrateFlags>();
        app.add_option("-s,--suite", flags->suite, "Suite YAML file")->required();
        app.add_option("-t,--traces", flags->traces, "Trace files holding the labeled traces")
            ->expected(1, -1);
        app.add_option("--scores", flags->scores,
                       "A run's scores.jsonl to read instead of scoring --traces");
        app.add_option("--labels", flags->labels, "Label set, NAME@vN")->required();
        app.add_option("--labels-root", flags->labels_root, "Label set folder")
            ->capture_default_str();
        app.add_option("-o,--out", flags->out, "Output folder")->required()->check(OutputFolder());
        app.add_option("--history", flags->history,
                       "History store: a SQLite file or a postgresql:// URL")
            ->capture_default_str()
            ->envname("ARBITER_HISTORY");
        app.add_flag("--no-history", flags->no_history, "Do not record in the history store");
        AddThreadsOption(app, flags->threads, "Worker threads (default: core count; at most 1024)");
        app.add_option("--seed", flags->seed, "Bootstrap seed")
            ->capture_default_str()
            ->check(WholeNumber());
        app.add_flag("--json", flags->json,
                     "Print calibration.json on stdout instead of the table");
        return [flags] { return RunCalibrate(*flags); };
      }};
}

}  // namespace arbiter
