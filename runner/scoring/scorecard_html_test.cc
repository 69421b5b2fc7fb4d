// report.html of a run (ScorecardBuilder::Html) and the failures part of scorecard.md, on traces
// built by hand: a hostile trace id and reason stay text, failing traces are grouped by reason
// with their first ids and "and N more", small strata cells are muted, a sampled input shows
// population rates, and the page fetches nothing and runs no script.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/base/report_text.h"
#include "runner/scoring/scorecard.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHostileReason[] = "<script>alert(1)</script>";
constexpr char kHostileId[] = "<img src=x onerror=alert(2)>";

ScorecardSuite Suite() {
  ScorecardSuite suite;
  suite.name = "support & <co>";
  suite.strata = {"metadata.intent"};
  for (const char* id : {"grounded", "json"}) {
    ScorecardEvaluator& e = suite.evaluators.emplace_back();
    e.id = id;
    e.version = 2;
    e.plugin = "lua";
  }
  return suite;
}

EvaluatorOutcome Scored(bool pass, const std::string& reason = "") {
  EvaluatorOutcome outcome;
  outcome.kind = EvaluatorOutcome::Kind::kScored;
  outcome.pass = pass;
  outcome.score = pass ? 1.0 : 0.0;
  if (!pass) outcome.reason = reason;
  return outcome;
}

EvaluatorOutcome Error(const std::string& error) {
  EvaluatorOutcome outcome;
  outcome.kind = EvaluatorOutcome::Kind::kError;
  outcome.error = error;
  return outcome;
}

TraceResult Trace(const std::string& id, const std::string& intent, EvaluatorOutcome grounded,
                  EvaluatorOutcome json) {
  TraceResult trace;
  trace.trace_id = id;
  trace.strata = {intent};
  trace.outcomes = {std::move(grounded), std::move(json)};
  return trace;
}

// 100 billing traces and 5 refund ones. grounded: every 4th billing trace fails for "cites
// nothing" (25), refund ones fail for the hostile reason, trace b-1 (the hostile id) for a
// reason of its own; json: one error.
ScorecardBuilder Build() {
  ScorecardBuilder card(Suite(), kDefaultMaxErrorRate);
  for (int i = 0; i < 100; ++i) {
    const std::string id = i == 1 ? kHostileId : "b-" + std::to_string(i);
    EvaluatorOutcome grounded = i % 4 == 0 ? Scored(false, "cites nothing")
                                : i == 1   ? Scored(false, "invents a refund policy")
                                           : Scored(true);
    card.AddTrace(Trace(id, "billing", grounded, i == 7 ? Error("timeout") : Scored(true)));
  }
  for (int i = 0; i < 5; ++i) {
    card.AddTrace(
        Trace("r-" + std::to_string(i), "refund", Scored(false, kHostileReason), Scored(true)));
  }
  return card;
}

TEST(ScorecardHtmlTest, DataStaysTextAndThePageFetchesNothing) {
  const std::string html = Build().Html();
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, Not(HasSubstr(kHostileReason)));
  EXPECT_THAT(html, Not(HasSubstr(kHostileId)));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(2)&gt;"));
  EXPECT_THAT(html, HasSubstr("arbiter run: support &amp; &lt;co&gt;"));
  EXPECT_THAT(html, HasSubstr("default-src 'none'"));
  EXPECT_THAT(html, HasSubstr("script-src 'none'"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("://")));  // no address to fetch
  EXPECT_THAT(html, Not(HasSubstr("<link")));
}

TEST(ScorecardHtmlTest, FailingTracesAreGroupedByReasonWithTheRestCounted) {
  const std::string html = Build().Html();
  // 25 "cites nothing": the first three ids, then the other 22.
  EXPECT_THAT(html, HasSubstr("<td class=\"reason\">cites nothing</td><td class=\"num\">25</td>"
                              "<td class=\"ids\">b-0, b-4, b-8 <span class=\"muted\">and 22 "
                              "more</span></td>"));
  EXPECT_THAT(html, HasSubstr("31 failing traces"));
  EXPECT_THAT(html, HasSubstr("1 erring trace<"));
  EXPECT_THAT(html, HasSubstr("<td class=\"reason\">timeout</td><td class=\"num\">1</td>"
                              "<td class=\"ids\">b-7</td>"));
  EXPECT_THAT(html, HasSubstr("Every judged trace passed.")) << "json has no failing trace";

  // More reasons than the page lists: the rest is counted in one line.
  ScorecardBuilder many(Suite(), kDefaultMaxErrorRate);
  for (int i = 0; i < 14; ++i) {
    for (int k = 0; k <= i; ++k) {
      many.AddTrace(Trace("t-" + std::to_string(i) + "-" + std::to_string(k), "billing",
                          Scored(false, "reason " + std::to_string(i)), Scored(true)));
    }
  }
  // Reasons 13 down to 4 are listed (14 + ... + 5 = 95 of 105); reasons 0 to 3 are the rest.
  const std::string listed = many.Html();
  EXPECT_THAT(listed, HasSubstr(">reason 4<"));
  EXPECT_THAT(listed, Not(HasSubstr(">reason 3<")));
  EXPECT_THAT(listed, HasSubstr("and 10 more failing traces with other reasons</p>"));
}

TEST(ScorecardHtmlTest, RatesWithIntervalsAndSmallStrataMuted) {
  const std::string html = Build().Html();
  // grounded: 74 of 105 pass; the refund stratum (n=5) is muted, billing (n=100) is not.
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">70.5%</td><td class=\"num\">[61.2%, 78.4%]</td>"));
  EXPECT_THAT(html, HasSubstr("<svg class=\"ci\""));
  EXPECT_THAT(
      html, HasSubstr("<td class=\"num small-n\" title=\"fewer than " + std::to_string(kSmallCell) +
                      " traces: too few to read\">0.0%"
                      "<span class=\"n\">n=5</span></td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\" title=\"95% interval [64.6%, 81.6%]\">74.0%"
                              "<span class=\"n\">n=100</span></td>"));
  EXPECT_THAT(html, Not(HasSubstr("population pass rate")));
}

TEST(ScorecardHtmlTest, ASampledInputShowsPopulationRates) {
  ScorecardBuilder card(Suite(), kDefaultMaxErrorRate);
  for (int i = 0; i < 40; ++i) {
    TraceResult trace =
        Trace("s-" + std::to_string(i), "billing", Scored(i % 2 == 0, "no"), Scored(true));
    trace.sample.state = SampleMark::State::kValid;
    trace.sample.weight = i % 2 == 0 ? 9 : 1;  // passing traces stand for more
    trace.sample.cell = i % 2 == 0 ? "a" : "b";
    card.AddTrace(trace);
  }
  const std::string html = card.Html();
  EXPECT_THAT(html, HasSubstr("<th>population pass rate (95%)</th>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num population\">90.0% ["));
  EXPECT_THAT(html, HasSubstr("(2 cells)"));
}

TEST(ScorecardHtmlTest, AnInterruptedRunSaysSo) {
  EXPECT_THAT(Build().Html(/*interrupted=*/true), HasSubstr("The run was interrupted"));
  EXPECT_THAT(Build().Html(), Not(HasSubstr("The run was interrupted")));
}

// A plugin's reason with bytes that are not UTF-8 (a Lua script cutting a string mid-character)
// is kept as scores.jsonl has it, so a shard's state can still be written.
TEST(ScorecardHtmlTest, AReasonThatIsNotUtf8IsKeptAsTheRowHasIt) {
  ScorecardBuilder card(Suite(), kDefaultMaxErrorRate);
  card.AddTrace(Trace("t", "billing", Scored(false, "r\xe9sum\xc3"), Error("bad \xff")));
  EXPECT_NO_THROW(card.State().dump());
  EXPECT_THAT(card.Html(), HasSubstr("r\xef\xbf\xbdsum\xef\xbf\xbd"));
  EXPECT_THAT(card.Markdown(), HasSubstr("\"bad \xef\xbf\xbd\" (1)"));
}

TEST(ScorecardMarkdownTest, ListsTheFirstFailingTracesAndTheTopErrors) {
  const std::string md = Build().Markdown();
  EXPECT_THAT(md, HasSubstr("## Failing and erring traces\n\n"
                            "- grounded: 31 failing (first: b-0, &lt;img src=x "
                            "onerror=alert(2)&gt;, b-4, b-8, b-12)\n"
                            "- json: 1 error, most common: \"timeout\" (1)\n"));
  ScorecardBuilder clean(Suite(), kDefaultMaxErrorRate);
  clean.AddTrace(Trace("t", "billing", Scored(true), Scored(true)));
  EXPECT_THAT(clean.Markdown(), Not(HasSubstr("Failing and erring")));
}

}  // namespace
}  // namespace arbiter
