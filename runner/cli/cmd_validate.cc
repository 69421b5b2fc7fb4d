// `arbiter validate --suite S [--traces FILE... [--limit N]]`: loads and compiles a suite; with
// --traces, also runs it on the first N traces, writing nothing, and prints the warnings `run`
// would end with (a `target` or `when` typo, a Lua script that errs on every trace), so a typo is
// found before a long run.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runner/base/report_text.h"
#include "runner/cli/cli.h"
#include "runner/cli/run_warnings_report.h"
#include "runner/cli/suite_loader.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/scoring/run_suite.h"
#include "runner/source/trace_records.h"
#include "runner/source/trace_source.h"
#include "runner/suite/suite.h"

namespace arbiter {
namespace {

struct ValidateFlags {
  std::string suite;
  std::vector<std::string> plugin_paths;
  std::vector<std::string> traces;
  uint64_t limit = 100;
  double max_error_rate = kDefaultMaxErrorRate;
  bool strict = false;
};

int Validate(const ValidateFlags& flags) {
  PluginRegistry registry;
  Result<Suite> suite = LoadSuiteWithPlugins(flags.suite, registry, flags.plugin_paths);
  if (!suite.ok()) return Fail("validate", suite.status());
  std::printf("ok: suite '%s' (%s), %s\n", suite->name.c_str(), flags.suite.c_str(),
              Plural(suite->evaluators.size(), "evaluator").c_str());
  for (const LoadedEvaluator& e : suite->evaluators) {
    std::printf("  %s v%d  plugin %s%s%s\n", e.spec.id.c_str(), e.spec.version,
                e.spec.plugin.c_str(), e.when ? "  when " : "",
                e.when ? e.when->text().c_str() : "");
  }
  if (flags.traces.empty()) return kExitOk;

  Status files = CheckTraceFiles(flags.traces);
  if (!files.ok()) return Fail("validate", files);
  RunSuiteOptions options;
  options.traces = flags.traces;
  options.limit = flags.limit;  // no `out`: RunSuite writes nothing
  options.max_error_rate = flags.max_error_rate;
  options.strict = flags.strict;  // as `run --strict`: the first broken trace fails (exit 3)
  // The broken traces by place, as `run` names them: "1 broken" alone says not which.
  constexpr uint64_t kShown = 20;
  uint64_t broken = 0;
  options.events.trace_skipped = [&](const std::string& path, uint64_t line,
                                     const std::string& reason) {
    if (++broken <= kShown) std::fprintf(stderr, "%s\n", SkipMessage(path, line, reason).c_str());
  };
  Result<RunSuiteResult> run = RunSuite(*suite, options);
  if (!run.ok()) return Fail("validate", run.status());
  std::printf("tried on %s: %llu scored, %llu broken, %s\n",
              Plural(run->traces + run->trace_errors, "trace").c_str(),
              static_cast<unsigned long long>(run->traces),
              static_cast<unsigned long long>(run->trace_errors),
              Plural(run->warnings.size(), "warning").c_str());
  return ReportWarnings("validate", run->warnings, flags.strict);
}

}  // namespace

Command ValidateCommand() {
  return {
      "validate",
      "Check a suite and its evaluators; with --traces, try it on a few traces",
      {{"arbiter validate -s evaluators/suites/demo.yaml",
        "arbiter validate -s evaluators/suites/demo.yaml -t datasets/demo/traces.jsonl --limit 50"},
       kCommonExitCodes},
      [](CLI::App& app) -> std::function<int()> {
        auto flags = std::make_shared<ValidateFlags>();
        app.add_option("-s,--suite", flags->suite, "Suite YAML file")->required();
        AddPluginPathOption(app, flags->plugin_paths);
        CLI::Option* traces =
            app.add_option("-t,--traces", flags->traces,
                           "Also run the suite on these traces, writing nothing, and print the "
                           "warnings a run would give")
                ->expected(1, -1);
        app.add_option("--limit", flags->limit, "Traces read with --traces (from the start)")
            ->capture_default_str()
            ->check(WholeNumber(1))
            ->needs(traces);  // alone it would be ignored without a word
        AddMaxErrorRateOption(app, flags->max_error_rate);
        app.add_flag("--strict", flags->strict, "Exit 3 on any warning");
        return [flags] { return Validate(*flags); };
      }};
}

}  // namespace arbiter
