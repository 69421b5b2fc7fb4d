// `arbiter sample --policy P --traces FILE... --out FILE [--seed N] [--plan]`: the stratified,
// failure-oversampled sample the judge budget should buy (SPEC "Sampling policy"), or with
// `--plan` only the per-stratum plan.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runner/base/atomic_file.h"
#include "runner/cli/cli.h"
#include "runner/sampling/focus_state.h"
#include "runner/sampling/plan.h"
#include "runner/sampling/policy.h"
#include "runner/sampling/stream.h"
#include "runner/source/trace_source.h"

namespace arbiter {
namespace {

struct SampleFlags {
  std::string policy;
  std::vector<std::string> traces;
  std::string out;
  uint64_t seed = 1;
  bool plan = false;
  std::string focus_state;
  bool update_focus = false;
};

int PrintPlan(const SampleFlags& flags, const SamplePolicy& policy, const SampleOptions& options) {
  Result<SampleSummary> summary = SampleTraces(flags.traces, policy, options, nullptr, stderr);
  if (!summary.ok()) return Fail("sample", summary.status());
  std::fputs(PlanMarkdown(summary->plan, policy).c_str(), stdout);
  if (!flags.out.empty()) {
    Status written = WriteFileAtomic(flags.out, PlanJson(summary->plan, policy).dump(2) + "\n");
    if (!written.ok()) return Fail("sample", written);
  }
  return kExitOk;
}

int Sample(const SampleFlags& flags) {
  Result<SamplePolicy> policy = LoadSamplePolicy(flags.policy);
  if (!policy.ok()) return Fail("sample", policy.status());
  Status files = CheckTraceFiles(flags.traces);
  if (files.ok() && !flags.out.empty()) {
    files = CheckOutputsAreNotInputs({flags.out}, flags.traces, {flags.policy, flags.focus_state});
  }
  if (!files.ok()) return Fail("sample", files);
  std::filesystem::path state_path = flags.focus_state.empty()
                                         ? DefaultFocusStatePath(flags.policy)
                                         : std::filesystem::path(flags.focus_state);
  FocusState state;
  SampleOptions options;
  options.seed = flags.seed;
  if (!policy->focus.empty()) {
    Result<FocusState> loaded = LoadFocusState(state_path);
    if (!loaded.ok()) return Fail("sample", loaded.status());
    state = std::move(*loaded);
    for (const FocusRule& rule : policy->focus)
      options.focus_collected.push_back(state.Collected(rule));
  }
  if (flags.plan) return PrintPlan(flags, *policy, options);
  if (flags.out.empty()) {
    return Fail("sample", Status::InvalidArgument("--out is required (or ask for --plan)"));
  }

  auto out = AtomicFile::Create(flags.out);
  if (!out.ok()) return Fail("sample", out.status());
  Result<SampleSummary> summary = SampleTraces(flags.traces, *policy, options, out->get(), stderr);
  if (!summary.ok()) return Fail("sample", summary.status());
  Status committed = (*out)->Commit();
  if (!committed.ok()) return Fail("sample", committed);
  std::fprintf(stderr, "arbiter sample: %llu of %llu traces sampled into %s, %llu skipped\n",
               static_cast<unsigned long long>(summary->sampled),
               static_cast<unsigned long long>(summary->traces), flags.out.c_str(),
               static_cast<unsigned long long>(summary->skipped));
  const SamplePlan& plan = summary->plan;
  if (plan.budget_binds) {
    std::fprintf(stderr, "arbiter sample: the budget of %llu binds; `--plan` shows the strata\n",
                 static_cast<unsigned long long>(*policy->budget));
  }
  for (const std::string& warning : PlanWarnings(plan)) {
    std::fprintf(stderr, "arbiter sample: warning: %s\n", warning.c_str());
  }
  if (policy->focus.empty()) return kExitOk;

  // The state moves on only once the sample is safely written: a failed run collects nothing.
  size_t active = 0;
  for (size_t i = 0; i < policy->focus.size(); ++i) {
    const FocusRule& rule = policy->focus[i];
    uint64_t taken = 0;
    if (options.focus_collected[i] < rule.collect) taken = plan.focus[active++].sample;
    state.Add(rule, taken);
    if (!flags.update_focus) {
      std::fprintf(stderr,
                   "arbiter sample: focus %s: %llu taken; %s not advanced (pass --update-focus "
                   "to record them, so the next sample moves on)\n",
                   rule.name.c_str(), static_cast<unsigned long long>(taken), state_path.c_str());
      continue;
    }
    std::fprintf(stderr, "arbiter sample: focus %s: %llu taken, %llu of %llu collected%s\n",
                 rule.name.c_str(), static_cast<unsigned long long>(taken),
                 static_cast<unsigned long long>(state.Collected(rule)),
                 static_cast<unsigned long long>(rule.collect),
                 state.Collected(rule) >= rule.collect ? " (done: back to the base rate)" : "");
  }
  // Reproducible by default: the same command twice gives the same sample unless asked to move.
  if (!flags.update_focus) return kExitOk;
  Status saved = SaveFocusState(state_path, state);
  if (!saved.ok()) return Fail("sample", saved);
  return kExitOk;
}

}  // namespace

Command SampleCommand() {
  return {"sample",
          "Draw a stratified, failure-oversampled, reweighted sample of traces",
          {{"arbiter sample --policy datasets/demo/sample-policy.yaml -t "
            "datasets/demo/traces.jsonl --plan",
            "arbiter sample --policy datasets/demo/sample-policy.yaml -t "
            "datasets/demo/traces.jsonl -o out/sample.jsonl --seed 7"},
           kCommonExitCodes},
          [](CLI::App& app) -> std::function<int()> {
            auto flags = std::make_shared<SampleFlags>();
            app.add_option("--policy", flags->policy, "Sampling policy YAML")->required();
            app.add_option("-t,--traces", flags->traces,
                           "Trace files (JSONL or OTLP/JSON, .gz, '-')")
                ->required();
            app.add_option("-o,--out", flags->out,
                           "Sampled traces, one JSON line each (with --plan: the plan as JSON)")
                ->check(OutputFile());
            app.add_option("--seed", flags->seed, "Seed; the same seed gives the same sample")
                ->capture_default_str();
            app.add_flag("--plan", flags->plan,
                         "Print the per-stratum plan (population, target, expected half-width, "
                         "judge cost) without sampling");
            app.add_option("--focus-state", flags->focus_state,
                           "What focus rules collected so far (default: next to the policy, "
                           "POLICY.focus-state.json)");
            app.add_flag("--update-focus", flags->update_focus,
                         "Record what focus rules took in the focus state, so the next sample "
                         "moves on (without it the state is only read: the same command gives "
                         "the same sample)");
            return [flags] { return Sample(*flags); };
          }};
}

}  // namespace arbiter
