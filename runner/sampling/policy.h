// A sampling policy (SPEC "Sampling policy"): which trace paths make the strata, how many traces
// each stratum gets (explicit counts, or derived from a wanted Wilson half-width, under an
// optional budget), which traces count as failures and how strongly failures are oversampled,
// and focus rules that collect a cluster at 100% across runs.
//
//   strata: [metadata.intent, {latency_ms: [0, 1000, 5000]}]
//   targets: {default: 200, "compliance": 400}         # or half_width/expected_rate; budget
//   failure: {any: ["status == 'error'", {scores: run/scores.jsonl, evaluator: x, below: 0.5}]}
//   failure_multiplier: 4
//   focus: [{name: ja-refunds, when: "metadata.language == 'ja'", collect: 200}]
//   cost_per_trace: 0.002                              # USD per judged trace, for `--plan`
//
// `redact:` and `triage:` sections belong to the commands of those names and are read there.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "runner/base/status.h"
#include "runner/scoring/score_failures.h"
#include "runner/source/otlp/mapping_options.h"
#include "runner/trace/condition.h"
#include "runner/trace/trace_path.h"

namespace arbiter {

// One stratification path. With `edges` (ascending) a number falls into the bucket between two
// edges: [0, 1000, 5000] gives "(-inf,0)", "[0,1000)", "[1000,5000)", "[5000,inf)". A missing
// value, null, or (with edges) a value that is not a number is "null".
struct StratumSpec {
  TracePath path;
  std::vector<double> edges;

  // Appends this path's value for the trace `root` to `key`.
  void AppendValue(simdjson::dom::element root, std::string& key) const;
};

// A failure signal from an earlier run: traces whose score by `evaluator` in `scores` (a
// scores.jsonl) is below `below`. Error rows are not failures.
struct ScoreFailure {
  std::string scores;  // the file, as resolved against the policy's folder
  std::string evaluator;
  double below = 0.5;
  TraceIdSet trace_ids;  // the failing traces, read at load time
};

// A cluster sampled at 100% until `collect` traces have been collected over all runs (counted
// in the focus state file), then left to the base rate.
struct FocusRule {
  std::string name;  // [a-z0-9-]+, the key in the state file and in `_sample.focus`
  Condition when;
  uint64_t collect = 0;
};

struct SamplePolicy {
  std::filesystem::path file;       // where it was loaded from ("" when parsed from text)
  std::string text_sha256;          // of the YAML text when parsed from text, else empty
  std::vector<StratumSpec> strata;  // empty: one stratum, "all"

  // Targets per stratum: `targets.default` when given, else the smallest n whose Wilson 95%
  // half-width at `expected_rate` is at most `half_width`; `targets` overrides by stratum key.
  std::optional<uint64_t> explicit_default;
  std::optional<double> half_width;
  double expected_rate = 0.5;  // the worst case when not given
  std::map<std::string, uint64_t> targets;
  // A cap on the whole sample (focus included). When it binds, strata keep `min_per_stratum`
  // each and the rest goes to the strata named in `targets`, then to the others by population,
  // largest first: the long tail shrinks first and the traffic's bulk keeps its intervals.
  std::optional<uint64_t> budget;
  uint64_t min_per_stratum = 2;

  std::vector<Condition> failure_any;  // a trace is a failure when any of these holds...
  std::vector<std::shared_ptr<const ScoreFailure>> failure_scores;  // ...or any of these
  double failure_multiplier = 4;  // failures' share of a target, relative to others

  std::vector<FocusRule> focus;
  std::optional<double> cost_per_trace;
  // `window: 1h`: the length of the windows `arbiter serve` samples one by one (unused by
  // `arbiter sample`, which samples what it is given).
  std::optional<uint64_t> window_ms;
  OtlpMappingOptions otlp = {};  // `otlp:`, how OTLP inputs map onto trace fields

  uint64_t DefaultTarget() const;
  uint64_t TargetFor(const std::string& stratum) const;
  bool Names(const std::string& stratum) const { return targets.count(stratum) > 0; }

  // The stratum key of a trace: the strata values joined with '|'; "all" without strata.
  // `key` is reused to spare an allocation per trace.
  void StratumOf(simdjson::dom::element root, std::string& key) const;
  bool IsFailure(simdjson::dom::element root) const;
};

// Parses the YAML text of a policy; `file` names it in errors and relative paths (a scores
// file) resolve against its folder.
Result<SamplePolicy> ParseSamplePolicy(const std::string& yaml_text, const std::string& file);
Result<SamplePolicy> LoadSamplePolicy(const std::filesystem::path& path);

}  // namespace arbiter
