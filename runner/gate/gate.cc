#include "runner/gate/gate.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <utility>

#include "runner/base/report_text.h"

namespace arbiter {
namespace {

std::string Short(const std::string& fingerprint) {
  return fingerprint.empty() ? "none" : fingerprint.substr(0, 12);
}

std::string PointsNumber(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", fraction * 100);
  return text;
}

// "2-point", "0.5-point": a tolerance as people say it.
std::string ToleranceText(double tolerance) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", std::round(tolerance * 1000) / 10);
  return std::string(text) + "-point";
}

// Counts the pairs of outcomes on shared traces, and the regressed trace ids.
void Compare(const EvaluatorRun& base, const EvaluatorRun& cand, EvaluatorGate& g) {
  g.baseline_judged = base.judged;
  g.baseline_error_rate = base.error_rate();
  g.candidate_error_rate = cand.error_rate();
  for (const auto& [trace, before] : base.by_trace) {
    if (before == Outcome::kError) continue;
    auto after = cand.by_trace.find(trace);
    if (after == cand.by_trace.end() || after->second == Outcome::kError) continue;
    const bool passed = before == Outcome::kPass, passes = after->second == Outcome::kPass;
    if (passed && passes) {
      ++g.pairs.both;
    } else if (passed) {
      ++g.pairs.first_only;
      if (g.regressed.size() < kMaxRegressedListed) g.regressed.push_back({trace, "", ""});
    } else if (passes) {
      ++g.pairs.second_only;
    } else {
      ++g.pairs.neither;
    }
  }
  g.shared_traces = static_cast<uint64_t>(g.pairs.n());
  g.regressed_total = static_cast<uint64_t>(g.pairs.first_only);
  g.coverage = g.baseline_judged ? static_cast<double>(g.shared_traces) / g.baseline_judged : 0;
  if (g.shared_traces > 0) {
    const double n = g.pairs.n();
    g.baseline_pass_rate = (g.pairs.both + g.pairs.first_only) / n;
    g.candidate_pass_rate = (g.pairs.both + g.pairs.second_only) / n;
    g.delta = g.candidate_pass_rate - g.baseline_pass_rate;
    // The interval is on baseline - candidate; the delta is candidate - baseline.
    auto [low, high] = NewcombePairedDifferenceInterval(g.pairs);
    g.delta_low = -high;
    g.delta_high = -low;
  }
}

std::string ChangeText(const EvaluatorGate& g) {
  return PercentText(g.baseline_pass_rate) + " -> " + PercentText(g.candidate_pass_rate) + " (" +
         PointsText(g.delta) + ", 95% CI [" + PointsNumber(g.delta_low) + ", " +
         PointsNumber(g.delta_high) + "]; " + std::to_string(g.regressed_count()) + " regressed, " +
         std::to_string(g.improved_count()) + " improved, " + std::to_string(g.shared_traces) +
         " shared traces)";
}

// Why the evaluator cannot be compared, or "" when it can. `decides`: whether the problem makes
// the whole gate inconclusive whatever the evaluator's role (the suite itself changed).
std::string NotComparable(const EvaluatorRun* base, const EvaluatorRun* cand,
                          const EvaluatorGate& g, const GateOptions& options, bool& decides) {
  decides = false;
  if (!base) return "new in the candidate: no baseline to compare with";
  if (!cand) {
    decides = true;
    return "ran in the baseline (v" + std::to_string(base->version) +
           ") but is missing from the candidate";
  }
  if (base->version != cand->version) {
    decides = true;
    return "v" + std::to_string(base->version) + " in the baseline, v" +
           std::to_string(cand->version) + " in the candidate: rerun the baseline with v" +
           std::to_string(cand->version) + " to compare";
  }
  if (!base->fingerprint.empty() && !cand->fingerprint.empty() &&
      base->fingerprint != cand->fingerprint) {
    decides = true;
    return "changed without a version bump: fingerprint " + Short(base->fingerprint) +
           " in the baseline, " + Short(cand->fingerprint) +
           " in the candidate (bump its version when its declaration or files change)";
  }
  if (base->fingerprint.empty() || cand->fingerprint.empty()) {
    return std::string("no fingerprint in the ") +
           (base->fingerprint.empty() ? "baseline" : "candidate") +
           "'s scorecard.json (no scorecard, or written by an older arbiter): cannot tell that "
           "both runs used the same evaluator";
  }
  if (!cand->skipped.empty() && cand->judged == 0 && base->judged > 0) {
    return "skipped in the candidate (" + cand->skipped + ")";
  }
  if (g.baseline_judged == 0) return "judged no trace in the baseline";
  if (g.coverage < options.min_coverage) {
    return "compared on " + std::to_string(g.shared_traces) + " of the " +
           std::to_string(g.baseline_judged) + " traces it judged in the baseline (coverage " +
           PercentText(g.coverage) + ", minimum " + PercentText(options.min_coverage) + ")";
  }
  if (g.candidate_error_rate > options.max_error_rate &&
      g.candidate_error_rate > g.baseline_error_rate) {
    return PercentText(g.candidate_error_rate) + " of its candidate rows are errors (baseline " +
           PercentText(g.baseline_error_rate) + ", maximum " + PercentText(options.max_error_rate) +
           "): errors can hide failures";
  }
  return "";
}

void Decide(EvaluatorGate& g, double tolerance) {
  const bool dropped = g.delta < -tolerance;
  const bool significant = g.delta_high < 0;
  const std::string change = ChangeText(g);
  if (g.gating) {
    const std::string as =
        g.role.role == Role::kGate ? "" : " (uncalibrated, gating by --allow-uncalibrated)";
    if (dropped && significant) {
      g.verdict = Verdict::kBlock;
      g.message = "pass rate fell " + change + ", beyond the " + ToleranceText(tolerance) +
                  " tolerance" + as;
    } else if (dropped) {
      g.verdict = Verdict::kWarn;
      g.message = "pass rate fell " + change + " but the interval includes no change" + as;
    } else {
      g.verdict = Verdict::kPass;
      g.message = "pass rate " + change + as;
    }
  } else if (g.role.role == Role::kSignal) {
    g.verdict = dropped ? Verdict::kWarn : Verdict::kPass;
    g.message =
        std::string(dropped ? "signal only, pass rate fell " : "signal only, pass rate ") + change;
  } else {
    g.verdict = Verdict::kUntrusted;
    g.message = RoleName(g.role.role) + (g.role.note.empty() ? "" : " (" + g.role.note + ")") +
                ": not trusted to gate; pass rate " + change;
  }
}

std::string Headline(const GateResult& result) {
  const std::string tolerance = ToleranceText(result.options.tolerance);
  if (result.decision == GateDecision::kBlocked) {
    std::string text = "Blocked: ";
    bool first = true;
    for (const EvaluatorGate& g : result.evaluators) {
      if (g.verdict != Verdict::kBlock) continue;
      text += (first ? "" : "; ") + g.id + " fell " + PointsNumber(-g.delta) + " points [" +
              PointsNumber(g.delta_low) + ", " + PointsNumber(g.delta_high) + "]";
      first = false;
    }
    return text + ", beyond the " + tolerance + " tolerance";
  }
  if (result.decision == GateDecision::kInconclusive) {
    std::string text = "Inconclusive: " + result.reasons.front();
    if (result.reasons.size() > 1) {
      text += " (and " + std::to_string(result.reasons.size() - 1) + " more)";
    }
    return text;
  }
  size_t gates = 0;
  uint64_t traces = 0;
  for (const EvaluatorGate& g : result.evaluators) {
    if (g.gating && g.verdict != Verdict::kInconclusive) {
      ++gates;
      traces = std::max(traces, g.shared_traces);
    }
  }
  std::string text = "no gate evaluator fell beyond the " + tolerance + " tolerance (" +
                     std::to_string(gates) + (gates == 1 ? " gate" : " gates") +
                     " compared on up to " + std::to_string(traces) + " shared traces)";
  if (result.warnings.empty()) return "Passed: " + text;
  return "Passed with warnings: " + text + "; " + result.warnings.front() +
         (result.warnings.size() > 1
              ? " (and " + std::to_string(result.warnings.size() - 1) + " more)"
              : "");
}

// "citation-grounded: stale: calibrated at v3, the run used v4", for the evaluators that would
// gate had their calibration held.
std::string UncalibratedNotes(const GateResult& result) {
  std::string notes;
  for (const EvaluatorGate& g : result.evaluators) {
    if (g.role.note.empty() || g.role.note == "never calibrated") continue;
    notes += (notes.empty() ? "" : "; ") + g.id + " is " + g.role.note;
  }
  return notes;
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
    case Verdict::kInconclusive:
      return "inconclusive";
  }
  return "untrusted";
}

std::string GateDecisionName(GateDecision decision) {
  switch (decision) {
    case GateDecision::kBlocked:
      return "blocked";
    case GateDecision::kInconclusive:
      return "inconclusive";
    case GateDecision::kPassed:
      break;
  }
  return "passed";
}

std::string PointsText(double delta) {
  return (delta > 0 ? "+" : "") + PointsNumber(delta) + " points";
}

GateResult ComputeGate(const RunOutput& baseline, const RunOutput& candidate,
                       const std::map<std::string, EvaluatorRole>& roles,
                       const GateOptions& options) {
  GateResult result;
  result.options = options;
  if (baseline.interrupted) {
    result.reasons.push_back("the baseline run was interrupted before it finished");
  }
  if (candidate.interrupted) {
    result.reasons.push_back("the candidate run was interrupted before it finished");
  }
  // The candidate's evaluators in its order, then those only the baseline ran.
  std::vector<std::pair<const EvaluatorRun*, const EvaluatorRun*>> order;
  for (const EvaluatorRun& cand : candidate.evaluators) {
    order.emplace_back(baseline.Find(cand.id), &cand);
  }
  for (const EvaluatorRun& base : baseline.evaluators) {
    if (!candidate.Find(base.id)) order.emplace_back(&base, nullptr);
  }
  bool any_gate_compared = false, any_gating = false;
  for (const auto& [base, cand] : order) {
    EvaluatorGate g;
    const EvaluatorRun& either = cand ? *cand : *base;
    g.id = either.id;
    g.version = either.version;
    g.fingerprint = either.fingerprint;
    if (auto role = roles.find(g.id); role != roles.end()) g.role = role->second;
    g.gating = g.role.role == Role::kGate ||
               (options.allow_uncalibrated && g.role.role == Role::kUncalibrated);
    any_gating = any_gating || g.gating;
    if (base && cand) Compare(*base, *cand, g);
    bool decides = false;
    std::string problem = NotComparable(base, cand, g, options, decides);
    if (problem.empty() && !g.gating && g.role.lost_role == Role::kGate) {
      // Checked last: a comparable evaluator whose gate calibration went stale.
      decides = true;
      problem = "was calibrated as a gate, but " + g.role.note +
                ": recalibrate it (arbiter calibrate) so the gate can vouch for it";
    }
    if (!problem.empty() && (decides || g.gating)) {
      g.verdict = Verdict::kInconclusive;
      g.message = problem;
      result.reasons.push_back(g.id + " " + problem);
    } else if (!problem.empty()) {
      g.verdict = Verdict::kUntrusted;
      g.message = RoleName(g.role.role) + (g.role.note.empty() ? "" : " (" + g.role.note + ")") +
                  ", not compared: " + problem;
    } else {
      Decide(g, options.tolerance);
      any_gate_compared = any_gate_compared || g.gating;
      if (g.verdict == Verdict::kBlock) result.blocking.push_back(g.id);
      if (g.verdict == Verdict::kWarn) result.warnings.push_back(g.id + ": " + g.message);
    }
    result.evaluators.push_back(std::move(g));
  }
  if (!any_gating) {
    std::string notes = UncalibratedNotes(result);
    result.reasons.insert(result.reasons.begin(),
                          "no gate-role evaluator is calibrated" +
                              (notes.empty() ? "" : " (" + notes + ")") +
                              "; run arbiter calibrate or pass --calibration");
  } else if (!any_gate_compared && result.reasons.empty()) {
    result.reasons.push_back("no gate-role evaluator could be compared in both runs");
  }
  if (options.allow_uncalibrated) {
    result.warnings.insert(result.warnings.begin(),
                           "uncalibrated evaluators act as gates (--allow-uncalibrated): their "
                           "agreement with people is unknown");
  }
  result.decision = !result.blocking.empty()  ? GateDecision::kBlocked
                    : !result.reasons.empty() ? GateDecision::kInconclusive
                                              : GateDecision::kPassed;
  result.headline = Headline(result);
  return result;
}

Status FillRegressedReasons(const RunOutput& baseline, const RunOutput& candidate,
                            GateResult& result) {
  std::set<std::pair<std::string, std::string>> wanted;
  for (const EvaluatorGate& g : result.evaluators) {
    for (const RegressedTrace& t : g.regressed) wanted.emplace(g.id, t.trace_id);
  }
  if (wanted.empty()) return Status::OK();
  ARBITER_ASSIGN_OR_RETURN(auto before, LoadRowReasons(baseline.dir, wanted));
  ARBITER_ASSIGN_OR_RETURN(auto after, LoadRowReasons(candidate.dir, wanted));
  for (EvaluatorGate& g : result.evaluators) {
    for (RegressedTrace& t : g.regressed) {
      t.baseline_reason = before[{g.id, t.trace_id}];
      t.candidate_reason = after[{g.id, t.trace_id}];
    }
  }
  return Status::OK();
}

nlohmann::ordered_json GateJson(const GateResult& result) {
  nlohmann::ordered_json json;
  json["decision"] = GateDecisionName(result.decision);
  json["headline"] = result.headline;
  json["reasons"] = result.reasons;
  json["warnings"] = result.warnings;
  json["blocking"] = result.blocking;
  json["policy"] = {{"tolerance", result.options.tolerance},
                    {"min_coverage", result.options.min_coverage},
                    {"max_error_rate", result.options.max_error_rate},
                    {"allow_uncalibrated", result.options.allow_uncalibrated}};
  json["evaluators"] = nlohmann::ordered_json::array();
  for (const EvaluatorGate& g : result.evaluators) {
    nlohmann::ordered_json e;
    e["id"] = g.id;
    e["version"] = g.version;
    e["role"] = RoleName(g.role.role);
    e["fingerprint"] = g.fingerprint.empty() ? nlohmann::ordered_json(nullptr)
                                             : nlohmann::ordered_json(g.fingerprint);
    e["shared_traces"] = g.shared_traces;
    bool any = g.shared_traces > 0;
    auto figure = [&](double value) {
      return any ? nlohmann::ordered_json(RoundTo(value, kDigits))
                 : nlohmann::ordered_json(nullptr);
    };
    e["coverage"] = g.baseline_judged ? nlohmann::ordered_json(RoundTo(g.coverage, kDigits))
                                      : nlohmann::ordered_json(nullptr);
    e["error_rate"] = {{"baseline", RoundTo(g.baseline_error_rate, kDigits)},
                       {"candidate", RoundTo(g.candidate_error_rate, kDigits)}};
    e["baseline_pass_rate"] = figure(g.baseline_pass_rate);
    e["candidate_pass_rate"] = figure(g.candidate_pass_rate);
    e["delta"] = figure(g.delta);
    e["delta_ci95"] = any ? nlohmann::ordered_json::array(
                                {RoundTo(g.delta_low, kDigits), RoundTo(g.delta_high, kDigits)})
                          : nlohmann::ordered_json(nullptr);
    e["discordant"] = {{"regressed", g.regressed_count()}, {"improved", g.improved_count()}};
    e["verdict"] = VerdictName(g.verdict);
    e["reason"] = g.message;
    e["regressed"] = nlohmann::ordered_json::array();
    for (const RegressedTrace& t : g.regressed) {
      e["regressed"].push_back({{"trace_id", t.trace_id},
                                {"baseline_reason", t.baseline_reason},
                                {"candidate_reason", t.candidate_reason}});
    }
    e["regressed_total"] = g.regressed_total;
    json["evaluators"].push_back(std::move(e));
  }
  return json;
}

}  // namespace arbiter
