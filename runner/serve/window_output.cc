#include "runner/serve/window_output.h"

#include <ctime>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "runner/base/atomic_file.h"
#include "runner/sampling/focus_state.h"
#include "runner/sampling/partial_sample.h"
#include "runner/sampling/plan.h"
#include "runner/sampling/stream.h"
#include "runner/triage/stream.h"

namespace arbiter {
namespace {

std::tm Utc(uint64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

}  // namespace

std::string WindowName(uint64_t start_ms) {
  std::tm tm = Utc(start_ms);
  char text[64];
  if (start_ms % 3600000 == 0) {
    std::strftime(text, sizeof text, "%Y-%m-%dT%H", &tm);
  } else if (start_ms % 60000 == 0) {
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M", &tm);
  } else {
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  }
  std::string name = text;
  if (start_ms % 1000 != 0) {
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03u", static_cast<unsigned>(start_ms % 1000));
    name += millis;
  }
  return name;
}

std::string UtcTime(uint64_t ms) {
  std::tm tm = Utc(ms);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = text;
  if (ms % 1000 != 0) {
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03u", static_cast<unsigned>(ms % 1000));
    out += millis;
  }
  return out + "Z";
}

Result<WindowSummary> WriteWindowOutputs(const std::filesystem::path& out,
                                         const std::filesystem::path& spool,
                                         const WindowSpan& window, const WindowSettings& settings,
                                         std::FILE* log) {
  const SamplePolicy& policy = *settings.policy;
  std::string name = WindowName(window.start_ms);
  std::vector<std::string> inputs = {spool.string()};

  SampleOptions options;
  options.seed = settings.seed;
  FocusState state;
  if (!policy.focus.empty()) {
    ARBITER_ASSIGN_OR_RETURN(FocusState saved, LoadFocusState(settings.focus_state));
    state = saved.ForWindow(window.start_ms);
    for (const FocusRule& rule : policy.focus) {
      options.focus_collected.push_back(state.Collected(rule));
    }
  }
  // One pass over the spool draws the window as a partial sample, which `arbiter sample --merge`
  // merges across instances behind a trace-id router (the window names the input; no probe, since
  // no two instances share a trace). The window's own sample is that one part merged: the bytes
  // `arbiter sample` over the spool writes, without reading the spool a second time.
  PartialSampleHeader part;
  part.inputs = {ShardInput{"arbiter serve window " + name, 0, false, ""}};
  std::filesystem::path partial_path = out / "samples" / (name + ".partial.jsonl");
  ARBITER_ASSIGN_OR_RETURN(auto partial, AtomicFile::Create(partial_path));
  ARBITER_RETURN_IF_ERROR(
      SamplePartial(inputs, policy, options, std::move(part), *partial, log).status());
  ARBITER_RETURN_IF_ERROR(partial->Commit());
  ARBITER_ASSIGN_OR_RETURN(auto samples, AtomicFile::Create(out / "samples" / (name + ".jsonl")));
  ARBITER_ASSIGN_OR_RETURN(MergedSample merged,
                           MergePartialSamples({partial_path.string()}, policy, samples.get()));
  const SampleSummary& sampled = merged.summary;

  ARBITER_ASSIGN_OR_RETURN(auto queue, AtomicFile::Create(out / "triage" / (name + ".jsonl")));
  ARBITER_ASSIGN_OR_RETURN(TriageSummary triaged,
                           TriageTraces(inputs, *settings.triage, settings.redactor, *queue, log));

  nlohmann::ordered_json summary;
  summary["window"] = name;
  summary["start"] = UtcTime(window.start_ms);
  summary["end"] = UtcTime(window.end_ms);
  summary["partial"] = window.partial;
  summary["traces"] = sampled.traces;
  summary["sampled"] = sampled.sampled;
  summary["skipped"] = sampled.skipped;
  summary["triage_queued"] = triaged.queued;
  summary["seed"] = settings.seed;
  summary["plan"] = PlanJson(sampled.plan, policy);
  // The sample and the queue first, the summary last: a reader that finds the summary finds the
  // window complete.
  ARBITER_RETURN_IF_ERROR(samples->Commit());
  ARBITER_RETURN_IF_ERROR(queue->Commit());
  ARBITER_RETURN_IF_ERROR(
      WriteFileAtomic(out / "samples" / (name + ".plan.json"), summary.dump(2) + "\n"));

  if (!policy.focus.empty()) {
    // Focus rules carry what they collected into the next window.
    std::map<std::string, FocusState::Rule> before = state.rules;
    size_t active = 0;
    for (size_t i = 0; i < policy.focus.size(); ++i) {
      const FocusRule& rule = policy.focus[i];
      uint64_t taken = 0;
      if (options.focus_collected[i] < rule.collect) taken = sampled.plan.focus[active++].sample;
      state.Add(rule, taken);
    }
    state.window_ms = window.start_ms;
    state.before_window = std::move(before);
    ARBITER_RETURN_IF_ERROR(SaveFocusState(settings.focus_state, state));
  }
  return WindowSummary{sampled.traces, sampled.sampled, triaged.queued};
}

}  // namespace arbiter
