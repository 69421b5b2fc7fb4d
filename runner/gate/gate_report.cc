#include "runner/gate/gate_report.h"

#include "runner/base/report_text.h"

namespace arbiter {

std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // Control characters other than tab and newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

namespace {

const char* Icon(Verdict verdict) {
  switch (verdict) {
    case Verdict::kBlock:
      return "🛑 block";
    case Verdict::kWarn:
      return "⚠️ warn";
    case Verdict::kPass:
      return "✅ pass";
    case Verdict::kUntrusted:
      break;
  }
  return "➖ untrusted";
}

std::string Delta(const EvaluatorGate& g) {
  if (g.shared_traces == 0) return "-";
  return PercentText(g.delta, Sign::kAlways) + " " +
         IntervalText(g.delta_low, g.delta_high, Sign::kAlways);
}

}  // namespace

std::string GateMarkdown(const GateResult& result) {
  std::string md =
      "## arbiter gate: " +
      std::string(result.decision == GateDecision::kBlocked ? "🛑 BLOCKED" : "✅ PASSED") + "\n\n";
  if (!result.blocking.empty()) {
    md += "Blocked by ";
    for (size_t i = 0; i < result.blocking.size(); ++i)
      md += (i ? ", " : "") + ("`" + result.blocking[i] + "`");
    md += ": calibrated gate evaluators whose pass rate fell by more than the tolerance (" +
          PercentText(result.tolerance) + ") with a 95% interval excluding no change.\n\n";
  }
  md += "| evaluator | role | traces | baseline | candidate | change [95% CI] | verdict |\n";
  md += "|---|---|---|---|---|---|---|\n";
  for (const EvaluatorGate& g : result.evaluators) {
    bool any = g.shared_traces > 0;
    md += "| " + g.id + " v" + std::to_string(g.version) + " | " + RoleName(g.role.role) + " | " +
          std::to_string(g.shared_traces) + " | " +
          (any ? PercentText(g.baseline_pass_rate) : "-") + " | " +
          (any ? PercentText(g.candidate_pass_rate) : "-") + " | " + Delta(g) + " | " +
          Icon(g.verdict) + " |\n";
  }
  md +=
      "\nOnly `gate` evaluators (MCC against human labels >= the suite's gate_mcc) can block; "
      "`signal` ones warn; `revise` and `uncalibrated` ones are not trusted. Details: "
      "report.html.\n";
  return md;
}

std::string GateJunit(const GateResult& result, const std::string& timestamp) {
  int failures = 0, skipped = 0;
  for (const EvaluatorGate& g : result.evaluators) {
    failures += g.verdict == Verdict::kBlock;
    skipped += g.verdict == Verdict::kUntrusted || g.role.role == Role::kSignal;
  }
  std::string counts = "tests=\"" + std::to_string(result.evaluators.size()) + "\" failures=\"" +
                       std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
                       std::to_string(skipped) + "\" time=\"0\"";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // The aggregate carries no attributes: the Ant JUnit schema that CI tools follow allows none.
  xml += "<testsuites>\n";
  xml +=
      "  <testsuite name=\"arbiter.gate\" package=\"arbiter\" id=\"0\" hostname=\"localhost\" "
      "timestamp=\"" +
      XmlEscape(timestamp) + "\" " + counts + ">\n";
  const std::string decision = GateDecisionName(result.decision);
  xml += "    <properties>\n      <property name=\"decision\" value=\"" + decision +
         "\"/>\n      <property name=\"tolerance\" value=\"" + PercentText(result.tolerance) +
         "\"/>\n    </properties>\n";
  for (const EvaluatorGate& g : result.evaluators) {
    xml += "    <testcase name=\"" + XmlEscape(g.id) + "\" classname=\"arbiter.gate." +
           XmlEscape(RoleName(g.role.role)) + "\" time=\"0\"";
    std::string message = XmlEscape(g.message);
    if (g.verdict == Verdict::kBlock) {
      xml += ">\n      <failure type=\"block\" message=\"" + message + "\">" + message +
             "</failure>\n    </testcase>\n";
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
