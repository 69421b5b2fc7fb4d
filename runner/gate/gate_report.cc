#include "runner/gate/gate_report.h"

#include "runner/base/report_text.h"

namespace arbiter {

namespace {

const char* Icon(Verdict verdict) {
  switch (verdict) {
    case Verdict::kBlock:
      return "🛑 block";
    case Verdict::kWarn:
      return "⚠️ warn";
    case Verdict::kPass:
      return "✅ pass";
    case Verdict::kInconclusive:
      return "❓ inconclusive";
    case Verdict::kUntrusted:
      break;
  }
  return "➖ untrusted";
}

std::string Title(const GateResult& result) {
  switch (result.decision) {
    case GateDecision::kBlocked:
      return "🛑 BLOCKED";
    case GateDecision::kInconclusive:
      return "❓ INCONCLUSIVE";
    case GateDecision::kPassed:
      break;
  }
  return result.warnings.empty() ? "✅ PASSED" : "✅ PASSED WITH WARNINGS";
}

std::string SignedPoints(double fraction) {
  std::string text = FigureText(fraction * 100, 1);
  return fraction > 0 && text != "0.0" ? "+" + text : text;
}

std::string Change(const EvaluatorGate& g) {
  if (g.shared_traces == 0) return "-";
  return PointsText(g.delta) + " [" + SignedPoints(g.delta_low) + ", " +
         SignedPoints(g.delta_high) + "]";
}

// How many regressed traces gate.md shows per evaluator; gate.json and report.html list more.
constexpr size_t kRegressedInMarkdown = 10;

std::string RegressedMarkdown(const EvaluatorGate& g) {
  std::string md = "\n<details><summary>" + g.id + ": " + std::to_string(g.regressed_total) +
                   " traces went from pass to fail</summary>\n\n| trace | baseline | "
                   "candidate |\n|---|---|---|\n";
  for (size_t i = 0; i < g.regressed.size() && i < kRegressedInMarkdown; ++i) {
    const RegressedTrace& t = g.regressed[i];
    md += "| " + MarkdownCell(t.trace_id) + " | " + MarkdownCell(t.baseline_reason) + " | " +
          MarkdownCell(t.candidate_reason) + " |\n";
  }
  if (g.regressed_total > kRegressedInMarkdown) {
    md += "\n" + std::to_string(g.regressed_total - kRegressedInMarkdown) +
          " more in gate.json and report.html.\n";
  }
  return md + "\n</details>\n";
}

}  // namespace

std::string GateMarkdown(const GateResult& result) {
  std::string md =
      "## arbiter gate: " + Title(result) + "\n\n**" + MarkdownCell(result.headline) + "**\n\n";
  if (result.decision == GateDecision::kInconclusive) {
    md += "The gate could not vouch for the candidate:\n";
    for (const std::string& reason : result.reasons) md += "- " + MarkdownCell(reason) + "\n";
    md += "\n";
  }
  for (const std::string& warning : result.warnings)
    md += "> ⚠️ " + MarkdownCell(warning) + "\n";
  if (!result.warnings.empty()) md += "\n";
  md += "| evaluator | role | traces | baseline | candidate | change [95% CI] | verdict |\n";
  md += "|---|---|---|---|---|---|---|\n";
  for (const EvaluatorGate& g : result.evaluators) {
    bool any = g.shared_traces > 0;
    md += "| " + MarkdownCell(g.id) + " v" + std::to_string(g.version) + " | " +
          RoleName(g.role.role) + " | " + std::to_string(g.shared_traces) + " | " +
          (any ? PercentText(g.baseline_pass_rate) : "-") + " | " +
          (any ? PercentText(g.candidate_pass_rate) : "-") + " | " + Change(g) + " | " +
          Icon(g.verdict) + " |\n";
  }
  for (const EvaluatorGate& g : result.evaluators) {
    if ((g.verdict == Verdict::kBlock || g.verdict == Verdict::kWarn) && g.regressed_total > 0) {
      md += RegressedMarkdown(g);
    }
  }
  md +=
      "\nOnly `gate` evaluators (MCC against human labels >= the suite's gate_mcc) can block; "
      "`signal` ones warn; `revise` and `uncalibrated` ones are not trusted. Changes are in "
      "points of pass rate, paired on the traces both runs judged. Details: report.html.\n";
  return md;
}

std::string GateJunit(const GateResult& result, const std::string& timestamp) {
  int failures = 0, errors = 0, skipped = 0;
  for (const EvaluatorGate& g : result.evaluators) {
    failures += g.verdict == Verdict::kBlock;
    errors += g.verdict == Verdict::kInconclusive;
    skipped += g.verdict == Verdict::kUntrusted || g.role.role == Role::kSignal;
  }
  std::string counts = "tests=\"" + std::to_string(result.evaluators.size()) + "\" failures=\"" +
                       std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
                       "\" skipped=\"" + std::to_string(skipped) + "\" time=\"0\"";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // The aggregate carries no attributes: the Ant JUnit schema that CI tools follow allows none.
  xml += "<testsuites>\n";
  xml +=
      "  <testsuite name=\"arbiter.gate\" package=\"arbiter\" id=\"0\" hostname=\"localhost\" "
      "timestamp=\"" +
      XmlEscape(timestamp) + "\" " + counts + ">\n";
  const std::string decision = GateDecisionName(result.decision);
  xml += "    <properties>\n      <property name=\"decision\" value=\"" + decision +
         "\"/>\n      <property name=\"headline\" value=\"" + XmlEscape(result.headline) +
         "\"/>\n      <property name=\"tolerance\" value=\"" +
         PointsText(result.options.tolerance) + "\"/>\n    </properties>\n";
  for (const EvaluatorGate& g : result.evaluators) {
    xml += "    <testcase name=\"" + XmlEscape(g.id) + "\" classname=\"arbiter.gate." +
           XmlEscape(RoleName(g.role.role)) + "\" time=\"0\"";
    std::string message = XmlEscape(g.message);
    if (g.verdict == Verdict::kBlock) {
      // The failing case's message names the traces that regressed, so a CI test tab shows them.
      std::string detail =
          g.message + "\nregressed traces (" + std::to_string(g.regressed_total) + "):";
      for (const RegressedTrace& t : g.regressed) {
        detail += "\n" + t.trace_id + ": " + t.baseline_reason + " -> " + t.candidate_reason;
      }
      xml += ">\n      <failure type=\"block\" message=\"" + message + "\">" + XmlEscape(detail) +
             "</failure>\n    </testcase>\n";
    } else if (g.verdict == Verdict::kInconclusive) {
      xml += ">\n      <error type=\"inconclusive\" message=\"" + message + "\">" + message +
             "</error>\n    </testcase>\n";
    } else if (g.verdict == Verdict::kUntrusted || g.role.role == Role::kSignal) {
      xml += ">\n      <skipped message=\"" + XmlEscape(VerdictName(g.verdict) + ": " + g.message) +
             "\"/>\n    </testcase>\n";
    } else {
      xml += "/>\n";
    }
  }
  xml += "    <system-out>" + XmlEscape(GateMarkdown(result)) + "</system-out>\n";
  xml += "    <system-err></system-err>\n  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace arbiter
