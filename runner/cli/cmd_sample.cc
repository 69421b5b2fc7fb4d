// `arbiter sample --policy P --traces FILE... --out FILE [--seed N] [--plan]`: the stratified,
// failure-oversampled sample the judge budget should buy (SPEC "Sampling policy"), or with
// `--plan` only the per-stratum plan. With `--shard I/N` (or `--partial`) a partial sample of
// part of the inputs; `--merge PART...` makes the sample of all of them (partial_sample.h).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "runner/base/atomic_file.h"
#include "runner/cli/cli.h"
#include "runner/sampling/focus_state.h"
#include "runner/sampling/partial_sample.h"
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
  ShardFlags shard;
  bool partial = false;
  std::vector<std::string> merge;
  CLI::Option* seed_option = nullptr;  // to tell a --seed given from the default
};

void PrintPlan(const SampleFlags& flags, const SamplePlan& plan, const SamplePolicy& policy,
               Status& written) {
  // Markdown for a file or a pipe (a CI summary); plain columns for a person at a terminal.
  std::fputs(
      (::isatty(STDOUT_FILENO) ? PlanText(plan, policy) : PlanMarkdown(plan, policy)).c_str(),
      stdout);
  if (!flags.out.empty())
    written = WriteFileAtomic(flags.out, PlanJson(plan, policy).dump(2) + "\n");
}

// The flags that do not go together, as a usage error.
Status CheckModes(const SampleFlags& flags) {
  const bool part = !flags.shard.shard.empty() || flags.partial;
  if (!flags.merge.empty()) {
    if (!flags.traces.empty()) {
      return Status::InvalidArgument("--merge reads partial samples, not --traces");
    }
    if (part) return Status::InvalidArgument("--merge makes a whole sample, not a part");
    return Status::OK();
  }
  if (flags.traces.empty()) return Status::InvalidArgument("--traces is required (or --merge)");
  if (!part) return Status::OK();
  if (flags.plan) {
    return Status::InvalidArgument(
        "--plan of a part would plan that part only; merge the "
        "partial samples with --merge ... --plan");
  }
  if (flags.update_focus) {
    return Status::InvalidArgument(
        "a partial sample does not move the focus state (each part "
        "would move it); pass --update-focus to --merge");
  }
  return Status::OK();
}

// After the sample is written: what the plan says, and the focus state moved on when asked.
int Finish(const SampleFlags& flags, const SamplePolicy& policy, FocusState& state,
           const std::filesystem::path& state_path, const std::vector<uint64_t>& collected,
           const SampleSummary& summary) {
  std::fprintf(stderr, "arbiter sample: %llu of %llu traces sampled into %s, %llu skipped\n",
               static_cast<unsigned long long>(summary.sampled),
               static_cast<unsigned long long>(summary.traces), flags.out.c_str(),
               static_cast<unsigned long long>(summary.skipped));
  WarnWhenNoTrace("sample", summary.traces, summary.skipped);
  const SamplePlan& plan = summary.plan;
  if (plan.budget_binds) {
    std::fprintf(stderr, "arbiter sample: the budget of %llu binds; `--plan` shows the strata\n",
                 static_cast<unsigned long long>(*policy.budget));
  }
  for (const std::string& warning : PlanWarnings(plan)) {
    std::fprintf(stderr, "arbiter sample: warning: %s\n", warning.c_str());
  }
  if (policy.focus.empty()) return kExitOk;

  // The state moves on only once the sample is safely written: a failed run collects nothing.
  size_t active = 0;
  for (size_t i = 0; i < policy.focus.size(); ++i) {
    const FocusRule& rule = policy.focus[i];
    uint64_t taken = 0;
    if (collected[i] < rule.collect) taken = plan.focus[active++].sample;
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

// Moving the focus state on from a merge is right only if it still says what the parts were
// drawn with: otherwise one sample's worth would be counted on top of another's.
Status CheckStateUnmoved(const SamplePolicy& policy, const FocusState& state,
                         const std::filesystem::path& state_path,
                         const std::vector<uint64_t>& collected) {
  for (size_t i = 0; i < policy.focus.size(); ++i) {
    uint64_t now = state.Collected(policy.focus[i]);
    if (now != collected[i]) {
      return Status::InvalidArgument(
          state_path.string() + ": focus " + policy.focus[i].name + " has collected " +
          std::to_string(now) + " since the partial samples were drawn at " +
          std::to_string(collected[i]) + "; draw them again, or merge without --update-focus");
    }
  }
  return Status::OK();
}

int Merge(const SampleFlags& flags, const SamplePolicy& policy, FocusState& state,
          const std::filesystem::path& state_path) {
  std::unique_ptr<AtomicFile> out;
  if (!flags.plan) {
    if (flags.out.empty()) {
      return Fail("sample", Status::InvalidArgument("--out is required (or ask for --plan)"));
    }
    auto created = AtomicFile::Create(flags.out);
    if (!created.ok()) return Fail("sample", created.status());
    out = std::move(*created);
  }
  Result<MergedSample> merged = MergePartialSamples(flags.merge, policy, out.get());
  if (!merged.ok()) return Fail("sample", merged.status());
  if (flags.seed_option->count() > 0 && flags.seed != merged->seed) {
    return Fail("sample",
                Status::InvalidArgument("--seed " + std::to_string(flags.seed) +
                                        ", but the partial samples were drawn with --seed " +
                                        std::to_string(merged->seed)));
  }
  if (flags.update_focus) {
    Status unmoved = CheckStateUnmoved(policy, state, state_path, merged->focus_collected);
    if (!unmoved.ok()) return Fail("sample", unmoved);
  }
  if (flags.plan) {
    Status written;
    PrintPlan(flags, merged->summary.plan, policy, written);
    return written.ok() ? kExitOk : Fail("sample", written);
  }
  Status committed = out->Commit();
  if (!committed.ok()) return Fail("sample", committed);
  std::fprintf(stderr, "arbiter sample: merged %zu partial samples\n", merged->parts);
  return Finish(flags, policy, state, state_path, merged->focus_collected, merged->summary);
}

// `--shard I/N` or `--partial`: a partial sample for --merge.
int Part(const SampleFlags& flags, const SamplePolicy& policy, SampleOptions& options) {
  Result<std::optional<ShardSpec>> shard = ResolveShard(flags.shard);
  if (!shard.ok()) return Fail("sample", shard.status());
  if (flags.out.empty()) return Fail("sample", Status::InvalidArgument("--out is required"));
  PartialSampleHeader header;
  header.shard = *shard;
  std::vector<std::string> inputs = flags.traces;
  if (header.shard) {
    // The parts of a shard, as `run --shard` reads them (shard_plan.h).
    Result<std::vector<ShardInput>> described =
        DescribeShardInputs(flags.traces, TraceFormat::kAuto);
    if (!described.ok()) return Fail("sample", described.status());
    header.inputs = std::move(*described);
    inputs.clear();
    for (const ShardPart& part : PlanShard(header.inputs, *header.shard)) {
      inputs.push_back(header.inputs[part.input].path);
      options.ranges.push_back(part.range);
    }
  } else {
    Result<std::vector<ShardInput>> described = DescribePartialInputs(flags.traces);
    if (!described.ok()) return Fail("sample", described.status());
    header.inputs = std::move(*described);
  }
  auto out = AtomicFile::Create(flags.out);
  if (!out.ok()) return Fail("sample", out.status());
  Result<SampleSummary> summary =
      SamplePartial(inputs, policy, options, std::move(header), **out, stderr);
  if (!summary.ok()) return Fail("sample", summary.status());
  Status committed = (*out)->Commit();
  if (!committed.ok()) return Fail("sample", committed);
  std::string part = *shard ? "shard " + (*shard)->Text() : std::string("part");
  std::fprintf(stderr,
               "arbiter sample: partial sample (%s): %llu traces, %llu candidates in %s, %llu "
               "skipped; arbiter sample --merge makes the sample of all the parts\n",
               part.c_str(), static_cast<unsigned long long>(summary->traces),
               static_cast<unsigned long long>(summary->sampled), flags.out.c_str(),
               static_cast<unsigned long long>(summary->skipped));
  return kExitOk;
}

int Sample(const SampleFlags& flags) {
  Status modes = CheckModes(flags);
  if (!modes.ok()) return Fail("sample", modes);
  Result<SamplePolicy> policy = LoadSamplePolicy(flags.policy);
  if (!policy.ok()) return Fail("sample", policy.status());
  std::filesystem::path state_path = flags.focus_state.empty()
                                         ? DefaultFocusStatePath(flags.policy)
                                         : std::filesystem::path(flags.focus_state);
  Status files = CheckTraceFiles(flags.traces);
  if (files.ok() && !flags.out.empty()) {
    std::vector<std::string> others = flags.merge;
    others.push_back(flags.policy);
    // The focus state is read, and written back by --update-focus: the default one beside the
    // policy too, which `--out pol.focus-state.json` once replaced with the sample.
    if (!policy->focus.empty()) others.push_back(state_path.string());
    files = CheckOutputsAreNotInputs({flags.out}, flags.traces, others);
  }
  if (!files.ok()) return Fail("sample", files);
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
  if (!flags.merge.empty()) return Merge(flags, *policy, state, state_path);
  if (!flags.shard.shard.empty() || flags.partial) return Part(flags, *policy, options);
  if (flags.plan) {
    Result<SampleSummary> summary = SampleTraces(flags.traces, *policy, options, nullptr, stderr);
    if (!summary.ok()) return Fail("sample", summary.status());
    Status written;
    PrintPlan(flags, summary->plan, *policy, written);
    return written.ok() ? kExitOk : Fail("sample", written);
  }
  if (flags.out.empty()) {
    return Fail("sample", Status::InvalidArgument("--out is required (or ask for --plan)"));
  }

  auto out = AtomicFile::Create(flags.out);
  if (!out.ok()) return Fail("sample", out.status());
  Result<SampleSummary> summary = SampleTraces(flags.traces, *policy, options, out->get(), stderr);
  if (!summary.ok()) return Fail("sample", summary.status());
  Status committed = (*out)->Commit();
  if (!committed.ok()) return Fail("sample", committed);
  return Finish(flags, *policy, state, state_path, options.focus_collected, *summary);
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
                           "Trace files (JSONL, OTLP/JSON or OTLP/protobuf .pb; .gz; '-')");
            app.add_option("-o,--out", flags->out,
                           "Sampled traces, one JSON line each (with --plan: the plan as JSON)")
                ->check(OutputFile());
            flags->seed_option =
                app.add_option("--seed", flags->seed, "Seed; the same seed gives the same sample")
                    ->capture_default_str()
                    ->check(WholeNumber());
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
            AddShardOptions(app, flags->shard,
                            "Sample only part I of N of the inputs (0-based I/N, or auto from "
                            "JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID) and write a partial "
                            "sample for sample --merge");
            app.add_flag("--partial", flags->partial,
                         "Write a partial sample of the given traces, one part of traffic cut "
                         "some other way (by trace id, by instance), for sample --merge");
            app.add_option("--merge", flags->merge,
                           "Partial samples (of --shard I/N or --partial) to merge into the "
                           "sample of all their traces, written to --out")
                ->expected(1, -1);
            return [flags] { return Sample(*flags); };
          }};
}

}  // namespace arbiter
