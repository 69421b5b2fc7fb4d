#include "runner/gate/gate.h"

#include <cstdio>

#include "runner/base/report_text.h"
#include "runner/stats/stats.h"

namespace arbiter {
namespace {

// The verdict for one evaluator, from its role and the change it measured.
void Decide(EvaluatorGate& g, double tolerance) {
  const bool dropped = g.delta < -tolerance;
  const bool significant = g.delta_high < 0;
  std::string change = PercentText(g.baseline_pass_rate) + " -> " +
                       PercentText(g.candidate_pass_rate) + " (delta " + PercentText(g.delta) +
                       ", 95% CI [" + PercentText(g.delta_low) + ", " + PercentText(g.delta_high) +
                       "])";
  if (g.shared_traces == 0) {
    g.verdict = Verdict::kUntrusted;
    g.message = "no traces judged by both runs";
    return;
  }
  const Role role = g.role.role;
  if (role == Role::kGate) {
    if (dropped && significant) {
      g.verdict = Verdict::kBlock;
      g.message =
          "pass rate fell " + change + ", beyond the tolerance of " + PercentText(tolerance);
    } else if (dropped) {
      g.verdict = Verdict::kWarn;
      g.message = "pass rate fell " + change + " but the interval includes no change";
    } else {
      g.verdict = Verdict::kPass;
      g.message = "pass rate " + change;
    }
  } else if (role == Role::kSignal) {
    g.verdict = dropped ? Verdict::kWarn : Verdict::kPass;
    g.message =
        std::string(dropped ? "signal only, pass rate fell " : "signal only, pass rate ") + change;
  } else {
    g.verdict = Verdict::kUntrusted;
    g.message = RoleName(role) + (g.role.note.empty() ? "" : " (" + g.role.note + ")") +
                ": not trusted to gate; pass rate " + change;
  }
}

}  // namespace

std::string VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kBlock:
      return "block";
    case Verdict::kWarn:
      return "warn";
    case Verdict::kPass:
      return "pass";
    case Verdict::kUntrusted:
      return "untrusted";
  }
  return "untrusted";
}

std::string GateDecisionName(GateDecision decision) {
  return decision == GateDecision::kBlocked ? "blocked" : "passed";
}

GateResult ComputeGate(const RunOutput& baseline, const RunOutput& candidate,
                       const std::map<std::string, EvaluatorRole>& roles,
                       const GateOptions& options) {
  GateResult result;
  result.tolerance = options.tolerance;
  for (const EvaluatorRun& cand : candidate.evaluators) {
    EvaluatorGate g;
    g.id = cand.id;
    g.version = cand.version;
    auto role = roles.find(cand.id);
    if (role != roles.end()) g.role = role->second;
    if (const EvaluatorRun* base = baseline.Find(cand.id)) {
      for (const auto& [trace, passed] : cand.pass_by_trace) {
        auto other = base->pass_by_trace.find(trace);
        if (other == base->pass_by_trace.end()) continue;
        ++g.shared_traces;
        g.candidate_passes += passed;
        g.baseline_passes += other->second;
      }
    }
    double n = static_cast<double>(g.shared_traces);
    if (n > 0) {
      g.baseline_pass_rate = g.baseline_passes / n;
      g.candidate_pass_rate = g.candidate_passes / n;
      g.delta = g.candidate_pass_rate - g.baseline_pass_rate;
      std::tie(g.delta_low, g.delta_high) =
          NewcombeDifferenceInterval(g.candidate_passes, n, g.baseline_passes, n);
    }
    Decide(g, options.tolerance);
    if (g.verdict == Verdict::kBlock) result.blocking.push_back(g.id);
    result.evaluators.push_back(std::move(g));
  }
  result.decision = result.blocking.empty() ? GateDecision::kPassed : GateDecision::kBlocked;
  return result;
}

nlohmann::ordered_json GateJson(const GateResult& result) {
  nlohmann::ordered_json json;
  json["decision"] = GateDecisionName(result.decision);
  json["blocking"] = result.blocking;
  json["evaluators"] = nlohmann::ordered_json::array();
  for (const EvaluatorGate& g : result.evaluators) {
    nlohmann::ordered_json e;
    e["id"] = g.id;
    e["version"] = g.version;
    e["role"] = RoleName(g.role.role);
    e["shared_traces"] = g.shared_traces;
    bool any = g.shared_traces > 0;
    auto figure = [&](double value) {
      return any ? nlohmann::ordered_json(RoundTo(value, kDigits))
                 : nlohmann::ordered_json(nullptr);
    };
    e["baseline_pass_rate"] = figure(g.baseline_pass_rate);
    e["candidate_pass_rate"] = figure(g.candidate_pass_rate);
    e["delta"] = figure(g.delta);
    e["delta_ci95"] = any ? nlohmann::ordered_json::array(
                                {RoundTo(g.delta_low, kDigits), RoundTo(g.delta_high, kDigits)})
                          : nlohmann::ordered_json(nullptr);
    e["verdict"] = VerdictName(g.verdict);
    json["evaluators"].push_back(std::move(e));
  }
  return json;
}

}  // namespace arbiter
