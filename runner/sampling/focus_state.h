// What focus rules have collected over earlier `arbiter sample` runs: a small JSON file next to
// the policy (`POLICY.focus-state.json`), so a rule samples its cluster at 100% until `collect`
// traces are in, then leaves it to the base rate.
//
//   {"rules": {"ja-refunds": {"when": "metadata.language == 'ja'", "collected": 120}}}
//
// A rule whose `when` changed since the state was written starts again from zero.
//
// `arbiter serve` adds each window's counts as the window is written, and a crash between writing
// a window and cutting its journal writes that window again at the next start. So the state also
// names the last window it counted and what it held before it:
//
//   {"rules": {...}, "window_ms": 1764856800000, "before_window": {"ja-refunds": {...}}}
//
// and a window written again starts from `before_window`, drawing the same sample and leaving
// the same state, instead of counting its traces twice.
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
  uint64_t window_ms = 0;                     // serve: the last window counted (0: none)
  std::map<std::string, Rule> before_window;  // serve: `rules` before that window

  // The state to draw window `start_ms` from: this one, or the one before it when it was the
  // last window counted (written again).
  FocusState ForWindow(uint64_t start_ms) const;

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
