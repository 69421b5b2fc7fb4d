// The gate (SPEC "gate.json"): a candidate run compared with a baseline run, evaluator by
// evaluator, on the traces both judged. Only evaluators whose calibration earned them the `gate`
// role can block; `signal` ones warn; `revise` and `uncalibrated` ones are shown, not trusted.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/scoring/run_output.h"
#include "runner/suite/role.h"

namespace arbiter {

// Where an evaluator's role came from.
struct EvaluatorRole {
  Role role = Role::kUncalibrated;
  std::string source;              // "calibration.json", "history: citations@v1, 2026-...", ""
  std::string note;                // why it is uncalibrated (stale, never calibrated)
  nlohmann::ordered_json figures;  // its calibration.json entry, or null
};

struct GateOptions {
  // A gate evaluator blocks on a drop in pass rate larger than this (and significant).
  double tolerance = 0.02;
};

// What the gate says of one evaluator: `block` stops the release, `warn` and `untrusted` only
// show; gate.json, gate.md, junit.xml and report.html print its name.
enum class Verdict { kBlock, kWarn, kPass, kUntrusted };

// "block", "warn", "pass", "untrusted".
std::string VerdictName(Verdict verdict);

// The release decision: blocked when any evaluator's verdict is `block`.
enum class GateDecision { kPassed, kBlocked };

// "passed", "blocked".
std::string GateDecisionName(GateDecision decision);

struct EvaluatorGate {
  std::string id;
  int version = 0;
  EvaluatorRole role;
  uint64_t shared_traces = 0;
  uint64_t baseline_passes = 0, candidate_passes = 0;
  double baseline_pass_rate = 0, candidate_pass_rate = 0, delta = 0;
  double delta_low = 0, delta_high = 0;  // Newcombe 95% interval on the delta
  Verdict verdict = Verdict::kUntrusted;
  std::string message;                   // one line saying why
};

struct GateResult {
  GateDecision decision = GateDecision::kPassed;
  std::vector<std::string> blocking;
  std::vector<EvaluatorGate> evaluators;
  double tolerance = 0;
};

// Compares the runs. `roles` maps evaluator id to its role (missing: uncalibrated).
GateResult ComputeGate(const RunOutput& baseline, const RunOutput& candidate,
                       const std::map<std::string, EvaluatorRole>& roles,
                       const GateOptions& options);

// gate.json (SPEC keys and order).
nlohmann::ordered_json GateJson(const GateResult& result);

}  // namespace arbiter
