// What focus rules have collected over earlier `arbiter sample` runs: a small JSON file next to
// the policy (`POLICY.focus-state.json`), so a rule samples its cluster at 100% until `collect`
// traces are in, then leaves it to the base rate.
//
//   {"rules": {"ja-refunds": {"when": "metadata.language == 'ja'", "collected": 120}}}
//
// A rule whose `when` changed since the state was written starts again from zero.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "runner/base/status.h"
#include "runner/sampling/policy.h"

namespace arbiter {

struct FocusState {
  struct Rule {
    std::string when;
    uint64_t collected = 0;
  };
  std::map<std::string, Rule> rules;

  // How many traces `rule` has collected so far (0 for a new or changed rule).
  uint64_t Collected(const FocusRule& rule) const;
  // Records `taken` more traces for `rule`, resetting a changed rule first.
  void Add(const FocusRule& rule, uint64_t taken);
};

// `datasets/x/policy.yaml` -> `datasets/x/policy.focus-state.json`.
std::filesystem::path DefaultFocusStatePath(const std::filesystem::path& policy);

// A missing file is an empty state; a file that does not parse is an InvalidArgument naming it
// (rather than a silent restart that would collect every cluster again).
Result<FocusState> LoadFocusState(const std::filesystem::path& path);
// Written atomically.
Status SaveFocusState(const std::filesystem::path& path, const FocusState& state);

}  // namespace arbiter
