// The gate (SPEC "gate.json"): a candidate run compared with a baseline run, evaluator by
// evaluator, pairwise on the traces both judged. Only evaluators whose calibration earned them
// the `gate` role can block; `signal` ones warn; `revise` and `uncalibrated` ones are shown, not
// trusted. The gate fails closed: what it could not check makes the decision `inconclusive`,
// never `passed`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/scoring/run_output.h"
#include "runner/stats/stats.h"
#include "runner/suite/role.h"

namespace arbiter {

// Where an evaluator's role came from.
struct EvaluatorRole {
  Role role = Role::kUncalibrated;
  std::string source;              // "calibration.json", "history: citations@v1, 2026-...", ""
  std::string note;                // why it is uncalibrated (stale, changed, never calibrated)
  nlohmann::ordered_json figures;  // its calibration.json entry, or null
  // The role of a calibration that no longer holds (another version or fingerprint). An
  // evaluator that was a gate and lost it makes the gate inconclusive rather than silently
  // dropping out of it.
  Role lost_role = Role::kUncalibrated;
};

// The suite's `gate:` policy as the gate applies it (defaults as in SPEC).
struct GateOptions {
  // A gate evaluator blocks on a drop in pass rate larger than this (and significant).
  double tolerance = 0.02;
  // Shared traces must cover at least this share of the traces an evaluator judged in the
  // baseline, or the comparison says little about the candidate.
  double min_coverage = 0.9;
  // A candidate error share above this (and above the baseline's) can hide failures.
  double max_error_rate = 0.05;
  // `uncalibrated` evaluators act as gates (a first run before any labels exist).
  bool allow_uncalibrated = false;
};

// What the gate says of one evaluator: `block` stops the release, `inconclusive` means it could
// not be compared, `warn` and `untrusted` only show.
enum class Verdict { kBlock, kWarn, kPass, kUntrusted, kInconclusive };

// "block", "warn", "pass", "untrusted", "inconclusive".
std::string VerdictName(Verdict verdict);

// The release decision: blocked when any verdict is `block`, else inconclusive when the gate
// cannot vouch for the candidate, else passed.
enum class GateDecision { kPassed, kBlocked, kInconclusive };

// "passed", "blocked", "inconclusive".
std::string GateDecisionName(GateDecision decision);

// A trace that passed in the baseline and failed in the candidate, with both rows' reasons.
struct RegressedTrace {
  std::string trace_id;
  std::string baseline_reason, candidate_reason;
};

// At most this many regressed traces are listed per evaluator; `regressed_total` counts all.
inline constexpr size_t kMaxRegressedListed = 1000;

struct EvaluatorGate {
  std::string id;
  int version = 0;
  EvaluatorRole role;
  bool gating = false;      // it can block: role `gate`, or `uncalibrated` with allow_uncalibrated
  std::string fingerprint;  // the candidate's (the baseline's when missing from the candidate)
  uint64_t baseline_judged = 0;  // traces it passed or failed in the baseline
  uint64_t shared_traces = 0;    // traces it passed or failed in both runs
  double coverage = 0;           // shared_traces / baseline_judged
  double baseline_error_rate = 0, candidate_error_rate = 0;
  PairedCounts pairs;  // first = baseline, second = candidate
  double baseline_pass_rate = 0, candidate_pass_rate = 0, delta = 0;
  double delta_low = 0, delta_high = 0;   // Newcombe's paired 95% interval on the delta
  std::vector<RegressedTrace> regressed;  // in trace id order, at most kMaxRegressedListed
  uint64_t regressed_total = 0;
  Verdict verdict = Verdict::kUntrusted;
  std::string message;  // one sentence saying why

  uint64_t regressed_count() const { return static_cast<uint64_t>(pairs.first_only); }
  uint64_t improved_count() const { return static_cast<uint64_t>(pairs.second_only); }
};

struct GateResult {
  GateDecision decision = GateDecision::kPassed;
  std::string headline;               // the decision in one sentence
  std::vector<std::string> reasons;   // why it is inconclusive (empty otherwise)
  std::vector<std::string> warnings;  // what passed but deserves a look
  std::vector<std::string> blocking;
  std::vector<EvaluatorGate> evaluators;
  GateOptions options;
};

// Compares the runs. `roles` maps evaluator id to its role (missing: uncalibrated). The
// regressed lists carry trace ids only; FillRegressedReasons adds the rows' reasons.
GateResult ComputeGate(const RunOutput& baseline, const RunOutput& candidate,
                       const std::map<std::string, EvaluatorRole>& roles,
                       const GateOptions& options);

// Reads the reasons of every listed regressed trace from both runs' scores.jsonl.
Status FillRegressedReasons(const RunOutput& baseline, const RunOutput& candidate,
                            GateResult& result);

// A change in pass rate as points: -0.14 -> "-14.0 points".
std::string PointsText(double delta);

// gate.json (SPEC keys and order).
nlohmann::ordered_json GateJson(const GateResult& result);

}  // namespace arbiter
