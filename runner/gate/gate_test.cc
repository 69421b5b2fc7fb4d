// The gate's decisions on crafted runs, and what its reports say.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/gate/gate.h"
#include "runner/gate/gate_report.h"
#include "runner/gate/report_html.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;

// A run folder whose scores.jsonl gives `evaluator` `passes` passes out of `n` traces.
void AddRows(std::string& rows, const std::string& evaluator, int passes, int n, int version = 1) {
  for (int i = 0; i < n; ++i) {
    bool pass = i < passes;
    rows += "{\"trace_id\": \"t-" + std::to_string(i) + "\", \"evaluator\": \"" + evaluator +
            "\", \"version\": " + std::to_string(version) +
            ", \"score\": " + (pass ? "1.0" : "0.0") + ", \"pass\": " + (pass ? "true" : "false") +
            ", \"reason\": \"\", \"error\": null}\n";
  }
}

RunOutput Load(const TempDir& dir, const std::string& name, const std::string& rows) {
  dir.Write(name + "/scores.jsonl", rows);
  auto run = LoadRunOutput(dir.path() / name);
  EXPECT_TRUE(run.ok()) << run.status().message();
  return *run;
}

EvaluatorRole RoleOf(Role role) {
  EvaluatorRole r;
  r.role = role;
  return r;
}

struct Crafted {
  TempDir dir;
  RunOutput baseline, candidate;
  std::map<std::string, EvaluatorRole> roles;
};

// 500 shared traces. grounded (gate): 92% -> 78%; tone (signal): 90% -> 70%; json (gate):
// 95% -> 94% (within tolerance); pii (uncalibrated): 99% -> 50%; small (gate, 20 traces):
// 90% -> 80% (a drop beyond tolerance the interval cannot confirm).
void Build(Crafted& c) {
  std::string base, cand;
  AddRows(base, "grounded", 460, 500);
  AddRows(cand, "grounded", 390, 500);
  AddRows(base, "tone", 450, 500);
  AddRows(cand, "tone", 350, 500);
  AddRows(base, "json", 475, 500);
  AddRows(cand, "json", 470, 500);
  AddRows(base, "pii", 495, 500);
  AddRows(cand, "pii", 250, 500);
  AddRows(base, "small", 18, 20);
  AddRows(cand, "small", 16, 20);
  c.baseline = Load(c.dir, "base", base);
  c.candidate = Load(c.dir, "cand", cand);
  c.roles = {{"grounded", RoleOf(Role::kGate)},
             {"tone", RoleOf(Role::kSignal)},
             {"json", RoleOf(Role::kGate)},
             {"small", RoleOf(Role::kGate)}};
}

TEST(GateTest, VerdictsFollowRolesAndIntervals) {
  Crafted c;
  Build(c);
  GateResult result = ComputeGate(c.baseline, c.candidate, c.roles, {});
  EXPECT_EQ(result.decision, GateDecision::kBlocked);
  EXPECT_EQ(result.blocking, (std::vector<std::string>{"grounded"}));
  std::map<std::string, Verdict> verdicts;
  for (const EvaluatorGate& g : result.evaluators) verdicts[g.id] = g.verdict;
  EXPECT_EQ(verdicts["grounded"], Verdict::kBlock);
  EXPECT_EQ(verdicts["tone"], Verdict::kWarn);  // signals never block
  EXPECT_EQ(verdicts["json"], Verdict::kPass);  // -1 point, within the 2-point tolerance
  EXPECT_EQ(verdicts["pii"],
            Verdict::kUntrusted);                // uncalibrated: a collapse is shown, not trusted
  EXPECT_EQ(verdicts["small"], Verdict::kWarn);  // -10 points on 20 traces: not significant
  const EvaluatorGate& grounded = result.evaluators[0];
  EXPECT_EQ(grounded.shared_traces, 500u);
  EXPECT_DOUBLE_EQ(grounded.delta, 0.78 - 0.92);
  EXPECT_LT(grounded.delta_high, 0);
}

TEST(GateTest, NoGateEvaluatorDropsSoItPasses) {
  Crafted c;
  Build(c);
  c.roles.erase("grounded");  // uncalibrated now
  GateResult result = ComputeGate(c.baseline, c.candidate, c.roles, {});
  EXPECT_EQ(result.decision, GateDecision::kPassed);
  EXPECT_TRUE(result.blocking.empty());
  GateOptions loose;
  loose.tolerance = 0.2;
  c.roles["grounded"] = RoleOf(Role::kGate);
  EXPECT_EQ(ComputeGate(c.baseline, c.candidate, c.roles, loose).decision, GateDecision::kPassed);
}

TEST(GateTest, OnlySharedTracesCount) {
  TempDir dir;
  std::string base, cand;
  AddRows(base, "grounded", 10, 10);
  for (int i = 5; i < 15; ++i) {
    cand += "{\"trace_id\": \"t-" + std::to_string(i) +
            "\", \"evaluator\": \"grounded\", \"version\": 1, \"score\": 0.0, \"pass\": false, "
            "\"reason\": \"\", \"error\": null}\n";
  }
  cand +=
      "{\"trace_id\": \"t-1\", \"evaluator\": \"grounded\", \"version\": 1, \"score\": null, "
      "\"pass\": null, \"error\": \"timeout\"}\n";
  RunOutput b = Load(dir, "b", base), c = Load(dir, "c", cand);
  GateResult result = ComputeGate(b, c, {{"grounded", RoleOf(Role::kGate)}}, {});
  EXPECT_EQ(result.evaluators[0].shared_traces, 5u);  // t-5..t-9; t-1's error row is no result
  EXPECT_EQ(c.evaluators[0].errors, 1u);
}

TEST(GateTest, MalformedRunsAreErrorsNamingFileAndLine) {
  TempDir dir;
  EXPECT_EQ(LoadRunOutput(dir.path() / "missing").status().code(), Status::Code::kNotFound);
  dir.Write("bad/scores.jsonl", "{\"trace_id\": \"t-1\"}\n");
  auto bad = LoadRunOutput(dir.path() / "bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("scores.jsonl:1: no evaluator"));
}

TEST(GateReportTest, JsonMarkdownAndJunitSayTheSame) {
  Crafted c;
  Build(c);
  GateResult result = ComputeGate(c.baseline, c.candidate, c.roles, {});
  nlohmann::ordered_json json = GateJson(result);
  EXPECT_EQ(json["decision"], "blocked");
  EXPECT_EQ(json["blocking"], nlohmann::json::array({"grounded"}));
  const auto& g = json["evaluators"][0];
  EXPECT_EQ(g["id"], "grounded");
  EXPECT_EQ(g["baseline_pass_rate"], 0.92);
  EXPECT_EQ(g["candidate_pass_rate"], 0.78);
  EXPECT_EQ(g["delta"], -0.14);
  EXPECT_EQ(g["verdict"], "block");
  std::vector<std::string> keys;
  for (const auto& [key, value] : g.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "version", "role", "shared_traces",
                                            "baseline_pass_rate", "candidate_pass_rate", "delta",
                                            "delta_ci95", "verdict"}));

  std::string md = GateMarkdown(result);
  EXPECT_THAT(md, HasSubstr("BLOCKED"));
  EXPECT_THAT(md, HasSubstr("| grounded v1 | gate | 500 | 92.0% | 78.0% | -14.0% ["));
  EXPECT_LT(std::count(md.begin(), md.end(), '\n'), 20);  // fits a pull-request comment

  std::string junit = GateJunit(result, "2026-11-20T10:00:00");
  EXPECT_THAT(junit, HasSubstr("tests=\"5\" failures=\"1\" errors=\"0\" skipped=\"2\""));
  EXPECT_THAT(junit, HasSubstr("<testcase name=\"grounded\" classname=\"arbiter.gate.gate\" "
                               "time=\"0\">\n      <failure type=\"block\""));
  EXPECT_THAT(junit, HasSubstr("<testcase name=\"tone\" classname=\"arbiter.gate.signal\" "
                               "time=\"0\">\n      <skipped message=\"warn: signal only"));
  EXPECT_THAT(junit,
              HasSubstr("<testcase name=\"json\" classname=\"arbiter.gate.gate\" time=\"0\"/>"));
}

TEST(GateReportTest, HtmlIsSelfContainedAndShowsEveryEvaluator) {
  Crafted c;
  Build(c);
  GateResult result = ComputeGate(c.baseline, c.candidate, c.roles, {});
  std::string html = GateHtml(result, c.baseline, c.candidate);
  for (const char* id : {"grounded", "tone", "json", "pii", "small"}) {
    EXPECT_THAT(html, HasSubstr("<section data-evaluator=\"" + std::string(id) + "\">")) << id;
  }
  EXPECT_THAT(html, HasSubstr("default-src 'none'"));
  EXPECT_THAT(html, Not(HasSubstr("src=\"http")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"http")));
  EXPECT_THAT(html, HasSubstr("<svg"));
}

TEST(GateReportTest, EscapesMarkupFromTheData) {
  EXPECT_EQ(XmlEscape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  EXPECT_EQ(XmlEscape(std::string("a\x01z")), "a z");
}

}  // namespace
}  // namespace arbiter
