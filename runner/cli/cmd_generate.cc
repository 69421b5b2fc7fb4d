// `arbiter generate --labels NAME@vN --traces FILE... --out DIR [--suite S] [--failure-mode M]`:
// drafts evaluators from a label set (runner/generate/generate.h). Prints one line per failure
// mode: what was written, or why nothing was.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/report_text.h"
#include "runner/cli/cli.h"
#include "runner/cli/suite_loader.h"
#include "runner/generate/draft_files.h"
#include "runner/generate/generate.h"
#include "runner/labels/label_store.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/suite/suite.h"

namespace arbiter {
namespace {

struct GenerateFlags {
  std::string labels;
  std::string labels_root = kDefaultLabelRoot;
  std::vector<std::string> traces;
  std::string out;
  std::string suite;
  std::string failure_mode;
  uint64_t seed = SearchOptions().seed;
  bool calibrate_judge = false;
};

int RunGenerate(const GenerateFlags& flags) {
  namespace fs = std::filesystem;
  PluginRegistry registry;
  std::optional<Suite> suite;
  if (!flags.suite.empty()) {
    Result<Suite> loaded = LoadSuiteWithPlugins(flags.suite, registry);
    if (!loaded.ok()) return Fail("generate", loaded.status());
    suite = std::move(*loaded);
  } else {
    Status set_up = SetUpPlugins(registry, {});
    if (!set_up.ok()) return Fail("generate", set_up);
  }
  GenerateOptions options;
  options.labels = flags.labels;
  options.labels_root = flags.labels_root;
  options.traces = flags.traces;
  options.out = flags.out;
  options.suite_file = flags.suite;
  options.search.only_mode = flags.failure_mode;
  options.search.seed = flags.seed;
  options.calibrate_judge = flags.calibrate_judge;
  Result<GenerateRun> run = Generate(options, registry, suite ? &*suite : nullptr);
  if (!run.ok()) return Fail("generate", run.status());

  for (const ModeResult& mode : run->modes) {
    if (!mode.skipped.empty()) {
      std::printf("%-26s skipped: %s\n", mode.failure_mode.c_str(), mode.skipped.c_str());
      continue;
    }
    bool any = false;
    for (const DraftCandidate& c : mode.candidates) {
      if (!c.written) continue;
      any = true;
      std::printf("%-26s %-36s held-out mcc %s [%s, %s]\n", mode.failure_mode.c_str(),
                  (DraftId(mode.failure_mode, c.kind) + ".yaml").c_str(),
                  FigureText(c.figures.held_out_mcc, 2).c_str(),
                  FigureText(c.figures.held_out_ci.first, 2).c_str(),
                  FigureText(c.figures.held_out_ci.second, 2).c_str());
    }
    if (!any && mode.judge_figures) {
      const SplitFigures& f = *mode.judge_figures;
      std::printf("%-26s %-36s held-out mcc %s [%s, %s] (judge)\n", mode.failure_mode.c_str(),
                  mode.judge_draft.c_str(), FigureText(f.held_out_mcc, 2).c_str(),
                  FigureText(f.held_out_ci.first, 2).c_str(),
                  FigureText(f.held_out_ci.second, 2).c_str());
    } else if (!any) {
      std::printf("%-26s %-36s no rule reached a signal: a judge to calibrate\n",
                  mode.failure_mode.c_str(), mode.judge_draft.c_str());
    }
  }
  std::fprintf(stderr, "generate: %zu drafts; report %s\n", run->written.size(),
               (fs::path(flags.out) / "generate.md").c_str());
  return kExitOk;
}

}  // namespace

Command GenerateCommand() {
  return {"generate",
          "Draft evaluators from a label set, each calibrated on labels it was not fitted to",
          {{"arbiter generate --labels support-seed@v1 -t datasets/demo/traces.jsonl "
            "-o out/drafts",
            "arbiter generate --labels support-seed@v1 -t datasets/demo/traces.jsonl "
            "-s evaluators/suites/demo.yaml --failure-mode refusal -o out/drafts-refusal"},
           kCommonExitCodes},
          [](CLI::App& app) -> std::function<int()> {
            auto flags = std::make_shared<GenerateFlags>();
            app.add_option("--labels", flags->labels, "Label set, NAME@vN")->required();
            app.add_option("--labels-root", flags->labels_root, "Label set folder")
                ->capture_default_str();
            app.add_option("-t,--traces", flags->traces, "Trace files holding the labeled traces")
                ->required()
                ->expected(1, -1);
            app.add_option("-o,--out", flags->out, "Output folder for the drafts and generate.md")
                ->required()
                ->check(OutputFolder());
            app.add_option("-s,--suite", flags->suite,
                           "Suite whose signal_mcc applies and whose evaluators are compared");
            app.add_option("--failure-mode", flags->failure_mode, "Only this failure mode");
            app.add_option("--seed", flags->seed, "Seed of the permutations and bootstrap")
                ->capture_default_str()
                ->check(WholeNumber());
            app.add_flag("--calibrate-judge", flags->calibrate_judge,
                         "Run each judge draft over the held-out labels (its endpoint and key "
                         "must be set) and report its MCC beside the rules'");
            return [flags] { return RunGenerate(*flags); };
          }};
}

}  // namespace arbiter
