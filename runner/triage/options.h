// What `arbiter triage` looks for and how strongly (issue: the anomaly queue for human
// annotation). Every threshold has a default that suits a support agent's traffic; a policy file
// may override them under a `triage:` mapping:
//
//   triage:
//     context_ratio: 0.9          # context_pressure fires above input/context_window = 0.9
//     spike_z: 3.5                # token_spike fires at a robust z-score of 3.5
//     min_group_size: 10
//     resubmit_window_s: 300
//     resubmit_similarity: 0.5
//     per_session: 1
//     refusal_phrases: ["I can't assist with that", ...]   # replaces the default list
//     guardrail_statuses: [blocked, content_filter]         # replaces the default list
//     guardrail_finish_reasons: [content_filter, safety]    # replaces the default list
//     weights: {negative_feedback: 2, tool_errors: 0.5}     # per signal, default 1
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "runner/base/status.h"
#include "runner/source/otlp/mapping_options.h"

namespace arbiter {

// The signals, in the order reasons are listed and counted.
enum class TriageSignal {
  kContextPressure,   // usage.input_tokens near or over usage.context_window
  kTokenSpike,        // total tokens far above the traces of the same model and intent
  kResubmission,      // the user asked the same thing again soon after
  kToolErrors,        // failed tool calls and retries
  kRefusal,           // the output refuses
  kGuardrail,         // a guardrail or content filter stopped the answer
  kNegativeFeedback,  // thumbs down
};
inline constexpr size_t kTriageSignalCount = 7;

// "context_pressure", "token_spike", ...: the `signal` of a reason.
const char* TriageSignalName(TriageSignal signal);

// How token_spike finds each group's median, MAD and mean absolute deviation.
enum class TriageGroupStats {
  kExact,      // from every token count, sorted per group: 4 bytes per trace while ranking
  kStreaming,  // from a quantile sketch per group fed in input order (token_stats.h): bounded
               // memory per group, exact below 1,025 traces, estimates within a stated rank error
};

// "exact" or "streaming"; and back (false for another name).
const char* TriageGroupStatsName(TriageGroupStats stats);
bool ParseTriageGroupStats(std::string_view name, TriageGroupStats& stats);

struct TriageOptions {
  // Queue length (`--top`). Fewer traces are queued when fewer show any signal.
  size_t top = 100;
  // At most this many traces per session_id (0: unlimited). One by default: a session that went
  // wrong once usually went wrong in every turn, and annotators learn more from other sessions.
  // Traces without a session_id are not capped.
  size_t per_session = 1;

  // context_pressure fires when input_tokens / context_window exceeds this ratio, in (0, 1).
  // Strength 0.5 at the ratio, 1 at a full window, up to 2 beyond it.
  double context_ratio = 0.9;

  // token_spike fires when a trace's total tokens (usage.total_tokens, else input + output) have
  // a robust z-score of at least this against the traces of the same `model` and
  // `metadata.intent`: z = 0.6745 (x - median) / MAD (Iglewicz & Hoaglin's modified z-score;
  // 3.5 is their recommended cut). Only spikes upward count. When MAD is 0 (more than half of the
  // group used the same count), z = (x - median) / (1.253314 MeanAD), the mean absolute
  // deviation scaled to agree with the standard deviation of a normal distribution; when that
  // is 0 too, every trace of the group used the same count and nothing is a spike. The median,
  // MAD and mean absolute deviation are exact or estimated as `group_stats` says.
  // Strength 0.5 at spike_z, 1 at twice it, at most 2.
  double spike_z = 3.5;
  // A (model, intent) group with fewer traces is judged against all traces of its model instead,
  // and a model with fewer traces is not judged: a median of a handful says little.
  size_t min_group_size = 10;
  // `arbiter triage` is exact by default; `arbiter serve` streams (its windows must not need
  // every count of a busy window at once).
  TriageGroupStats group_stats = TriageGroupStats::kExact;

  // resubmission fires on a trace when the next trace of its session (by timestamp) starts at
  // most this many seconds later and its input has at least this similarity (estimated Jaccard
  // similarity of character 3-shingles, runner/triage/text_fingerprint.h). The earlier trace is the
  // one flagged: its answer did not satisfy. Traces without a session_id or a parseable timestamp
  // are not compared. Strength 0.5 at the similarity threshold, 1 for the same text.
  double resubmit_window_s = 300;
  double resubmit_similarity = 0.5;

  // refusal fires when `output` contains one of these phrases (ASCII case folded; Unicode letters
  // as RE2 folds them). The default covers the demo suite's evaluators/no-refusal.yaml phrases in
  // its five languages and common English refusals. Strength 1.
  std::vector<std::string> refusal_phrases = DefaultRefusalPhrases();
  // guardrail fires when `status` is one of these (case-insensitive), or a finish reason is one
  // of `guardrail_finish_reasons`: `finish_reason` or `stop_reason` at the top level or in
  // `metadata`, or the OTLP `gen_ai.response.finish_reasons` of any span (kept under
  // otel.spans[].attributes, docs/TRACE_MAPPING.md). Strength 1.
  std::vector<std::string> guardrail_statuses = {"blocked",   "content_filter", "filtered",
                                                 "guardrail", "moderated",      "refused"};
  std::vector<std::string> guardrail_finish_reasons = {"content_filter", "safety", "refusal",
                                                       "guardrail_intervened", "blocked"};
  // tool_errors: each call with a non-null `error` and each call repeating the previous call's
  // tool name adds 0.5 to the strength, at most 2. negative_feedback (`feedback.thumbs` is
  // "down"): strength 1.

  // Threads parsing traces in the first read (0: one per core). The queue does not depend on it.
  size_t threads = 0;

  // The policy's `otlp:` (how OTLP inputs map onto trace fields), for both reads of the input.
  OtlpMappingOptions otlp = {};

  // A trace's score is the sum over fired signals of weight * strength.
  std::array<double, kTriageSignalCount> weights = {1, 1, 1, 1, 1, 1, 1};

  // Checks ranges; an InvalidArgument names the option.
  Status Validate() const;

  static std::vector<std::string> DefaultRefusalPhrases();
};

// Applies the `triage:` and `otlp:` mappings of `root` (a policy file's top level), if there
// are, onto `options`. Other top-level keys are left alone: the file may be a sampling policy
// too. Unknown keys under `triage:` and `otlp:` are errors with file:line:column.
Status ApplyTriagePolicy(const YAML::Node& root, const std::string& file, TriageOptions& options);

// LoadYamlFile(path), then ApplyTriagePolicy.
Status LoadTriagePolicy(const std::filesystem::path& path, TriageOptions& options);

}  // namespace arbiter
