// A sampling policy (SPEC "Sampling policy"): which trace paths make the strata, how many traces
// each stratum gets, which traces count as failures and how strongly failures are oversampled.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runner/condition.h"
#include "runner/status.h"
#include "runner/trace_path.h"

namespace arbiter {

struct SamplePolicy {
  std::vector<TracePath> strata;            // empty: one stratum, "all"
  uint64_t default_target = 0;              // `targets.default`
  std::map<std::string, uint64_t> targets;  // per stratum key, overriding the default
  std::vector<Condition> failure_any;       // a trace is a failure when any condition holds
  double failure_multiplier = 4;            // failures' share of a target, relative to others

  uint64_t TargetFor(const std::string& stratum) const;
};

// Parses the YAML text of a policy; `file` names it in errors. Features of the SPEC this build
// does not implement yet (half_width targets, budget, focus rules) are rejected by name rather
// than silently ignored.
Result<SamplePolicy> ParseSamplePolicy(const std::string& yaml_text, const std::string& file);
Result<SamplePolicy> LoadSamplePolicy(const std::filesystem::path& path);

}  // namespace arbiter
