// report.html (issue 12, item 7) on a gate result built by hand: the decision badge and
// headline, the change-in-points chart against the tolerance, the verdict table, muted small
// strata, every regressed trace searchable, and data escaped. Its layout is checked in
// Chromium by tests/gate_report_browser_test.cc.
#include "runner/gate/report_html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

EvaluatorGate Compared(const std::string& id, Verdict verdict, double delta, double low,
                       double high) {
  EvaluatorGate g;
  g.id = id;
  g.version = 1;
  g.verdict = verdict;
  g.shared_traces = 200;
  g.baseline_pass_rate = 0.9;
  g.candidate_pass_rate = 0.9 + delta;
  g.delta = delta;
  g.delta_low = low;
  g.delta_high = high;
  g.message = id + " says why";
  return g;
}

GateResult Blocked() {
  GateResult result;
  result.decision = GateDecision::kBlocked;
  result.headline =
      "Blocked: grounded fell 14.0 points [-17.0, -11.0], beyond the 2-point tolerance";
  EvaluatorGate grounded = Compared("grounded", Verdict::kBlock, -0.14, -0.17, -0.11);
  grounded.regressed = {{"<img src=x onerror=alert(1)>", "ok & fine", "</td><b>bad</b>"},
                        {"t-2", "ok", "bad"}};
  grounded.regressed_total = 1200;
  result.evaluators.push_back(grounded);
  result.evaluators.push_back(Compared("json", Verdict::kPass, -0.005, -0.03, 0.02));
  EvaluatorGate missing;
  missing.id = "no-pii";
  missing.verdict = Verdict::kInconclusive;
  missing.message = "no-pii is missing from the candidate";
  result.evaluators.push_back(missing);
  return result;
}

TEST(GateReportHtmlTest, BadgeAndHeadlineTellTheDecision) {
  GateResult result = Blocked();
  std::string html = GateHtml(result, {}, {});
  EXPECT_THAT(html, HasSubstr("<span id=\"decision\" class=\"decision d-blocked\">blocked</span>"));
  EXPECT_THAT(html, HasSubstr("<p id=\"headline\" class=\"headline\">Blocked: grounded fell 14.0 "
                              "points [-17.0, -11.0], beyond the 2-point tolerance</p>"));
  EXPECT_THAT(html, HasSubstr("2-point tolerance: a gate-role evaluator blocks"));
  EXPECT_THAT(html, Not(HasSubstr("2.0% tolerance")));

  result.decision = GateDecision::kPassed;
  result.warnings = {"tone: signal only, pass rate fell"};
  html = GateHtml(result, {}, {});
  EXPECT_THAT(html, HasSubstr("class=\"decision d-warned\">passed with warnings</span>"));
  EXPECT_THAT(html, HasSubstr("<li>Warning: tone: signal only, pass rate fell</li>"));

  result.decision = GateDecision::kInconclusive;
  result.reasons = {"no-pii is missing from the candidate"};
  html = GateHtml(result, {}, {});
  EXPECT_THAT(html, HasSubstr("class=\"decision d-inconclusive\">inconclusive</span>"));
  EXPECT_THAT(html, HasSubstr("<ul class=\"reasons\"><li>no-pii is missing from the candidate"));
}

TEST(GateReportHtmlTest, ChartPlotsChangesInPointsAgainstTheTolerance) {
  std::string html = GateHtml(Blocked(), {}, {});
  // Axis -20..+20 points over x 12..588: zero at 300, the -2-point tolerance at 271.2, the
  // -14.0 dot at 98.4, its interval from 55.2 to 141.6.
  EXPECT_THAT(html, HasSubstr("viewBox=\"0 0 600 "));
  EXPECT_THAT(html, HasSubstr("<line x1=\"271.2\" x2=\"271.2\""));
  EXPECT_THAT(html, HasSubstr("stroke-dasharray=\"5 4\""));
  EXPECT_THAT(html, HasSubstr("<line x1=\"55.2\" x2=\"141.6\""));
  EXPECT_THAT(html, HasSubstr("<circle cx=\"98.4\""));
  EXPECT_THAT(html, HasSubstr(">-20</text>"));
  EXPECT_THAT(html, HasSubstr(">+20</text>"));
  EXPECT_THAT(html, HasSubstr("-14.0 [-17.0, -11.0]"));
  // The evaluator that could not be compared has a labelled row and no bar.
  EXPECT_THAT(html, HasSubstr("inconclusive</tspan> <tspan fill=\"#607d8b\">not compared"));
  EXPECT_EQ(html.find("0-100%"), std::string::npos);
}

TEST(GateReportHtmlTest, VerdictTableHasEveryColumn) {
  std::string html = GateHtml(Blocked(), {}, {});
  for (const char* column : {"evaluator", "role", "shared traces", "baseline", "candidate",
                             "change, points [95% CI]", "regressed / improved", "verdict", "why"}) {
    EXPECT_THAT(html, HasSubstr("<th>" + std::string(column) + "</th>")) << column;
  }
  EXPECT_THAT(html, HasSubstr("<td data-label=\"verdict\" class=\"verdict v-block\">block</td>"));
  EXPECT_THAT(html, HasSubstr("<td data-label=\"why\">grounded says why</td>"));
}

TEST(GateReportHtmlTest, EveryListedRegressedTraceIsEscapedAndSearchable) {
  std::string html = GateHtml(Blocked(), {}, {});
  EXPECT_THAT(html, HasSubstr("<input id=\"trace-search\" type=\"search\""));
  EXPECT_THAT(html, HasSubstr("<tr data-trace><td>&lt;img src=x onerror=alert(1)&gt;</td><td>ok "
                              "&amp; fine</td><td>&lt;/td&gt;&lt;b&gt;bad&lt;/b&gt;</td></tr>"));
  EXPECT_THAT(html, HasSubstr("<tr data-trace><td>t-2</td>"));
  EXPECT_THAT(html, HasSubstr("1,200 traces went from pass to fail (the first 2 listed)"));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  // The one inline script runs under a hash in the policy, not 'unsafe-inline'.
  EXPECT_THAT(html, HasSubstr("script-src 'sha256-"));
  EXPECT_THAT(html, Not(HasSubstr("script-src 'unsafe-inline'")));
  EXPECT_THAT(html, HasSubstr("default-src 'none'"));
}

TEST(GateReportHtmlTest, SmallStrataShowNAndAreMuted) {
  auto card = [](double rate, int small_n) {
    nlohmann::ordered_json strata = {{"locale",
                                      {{"en", {{"n", 170}, {"pass_rate", rate}}},
                                       {"fr", {{"n", small_n}, {"pass_rate", rate}}}}}};
    return nlohmann::ordered_json{{"evaluators", {{{"id", "grounded"}, {"strata", strata}}}}};
  };
  RunOutput baseline, candidate;
  baseline.scorecard = card(0.9, 40);
  candidate.scorecard = card(0.8, 29);
  std::string html = GateHtml(Blocked(), baseline, candidate);
  EXPECT_THAT(html, HasSubstr("<td class=\"num\" style=\"background:rgb(255,170,170)\">-10.0<span "
                              "class=\"n\">n=170</span></td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num small-n\" title=\"fewer than 30 traces: too few to "
                              "read a change\">-10.0<span class=\"n\">n=29</span></td>"));
}

}  // namespace
}  // namespace arbiter
