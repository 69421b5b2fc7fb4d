// The gate's decisions on crafted runs, and what its reports say.
#include <algorithm>
#include <set>

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
            ", \"reason\": \"" + (pass ? "ok" : "bad") + " " + std::to_string(i) +
            "\", \"error\": null}\n";
  }
}

// The scorecard.json beside the rows: every evaluator in `rows` at `version` with fingerprint
// "fp-ID" unless `fingerprints` says otherwise; `extra` adds top-level keys.
void WriteScorecard(const TempDir& dir, const std::string& name, const std::string& rows,
                    const std::map<std::string, std::string>& fingerprints,
                    const nlohmann::ordered_json& extra) {
  nlohmann::ordered_json card = extra.is_object() ? extra : nlohmann::ordered_json::object();
  card["evaluators"] = nlohmann::ordered_json::array();
  std::set<std::string> seen;
  size_t at = 0;
  while ((at = rows.find("\"evaluator\": \"", at)) != std::string::npos) {
    at += 14;
    std::string id = rows.substr(at, rows.find('"', at) - at);
    size_t v = rows.find("\"version\": ", at) + 11;
    if (!seen.insert(id).second) continue;
    auto fp = fingerprints.find(id);
    card["evaluators"].push_back(
        {{"id", id},
         {"version", std::stoi(rows.substr(v))},
         {"fingerprint", fp == fingerprints.end() ? "fp-" + id : fp->second}});
  }
  dir.Write(name + "/scorecard.json", card.dump());
}

RunOutput Load(const TempDir& dir, const std::string& name, const std::string& rows,
               const std::map<std::string, std::string>& fingerprints = {},
               const nlohmann::ordered_json& extra = nullptr) {
  dir.Write(name + "/scores.jsonl", rows);
  WriteScorecard(dir, name, rows, fingerprints, extra);
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

TEST(GateTest, OnlySharedTracesCountAndLowCoverageIsInconclusive) {
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
  // 5 of the 10 traces judged in the baseline: a 100-point drop on them proves nothing of the
  // other half.
  EXPECT_EQ(result.decision, GateDecision::kInconclusive);
  EXPECT_EQ(result.evaluators[0].verdict, Verdict::kInconclusive);
  EXPECT_THAT(result.reasons[0], HasSubstr("grounded compared on 5 of the 10 traces"));
  EXPECT_THAT(result.headline, HasSubstr("Inconclusive: grounded compared on 5 of the 10"));
}

// Two runs of `grounded` (gate) and `tone` (signal) on 100 traces, both passing 95.
struct Pair {
  TempDir dir;
  std::string base, cand;
  std::map<std::string, EvaluatorRole> roles{{"grounded", RoleOf(Role::kGate)},
                                             {"tone", RoleOf(Role::kSignal)}};
  Pair() {
    AddRows(base, "grounded", 95, 100);
    AddRows(base, "tone", 95, 100);
  }
  GateResult Gate(const std::map<std::string, std::string>& fingerprints = {},
                  const nlohmann::ordered_json& extra = nullptr, GateOptions options = {}) {
    RunOutput b = Load(dir, "b", base), c = Load(dir, "c", cand, fingerprints, extra);
    return ComputeGate(b, c, roles, options);
  }
};

TEST(GateFailsClosedTest, SameRunsPass) {
  Pair p;
  p.cand = p.base;
  GateResult result = p.Gate();
  EXPECT_EQ(result.decision, GateDecision::kPassed);
  EXPECT_THAT(result.headline, HasSubstr("Passed: no gate evaluator fell beyond the 2-point"));
}

TEST(GateFailsClosedTest, NoCalibrationIsInconclusiveUnlessAllowed) {
  Pair p;
  p.cand = p.base;
  p.roles.clear();
  GateResult result = p.Gate();
  EXPECT_EQ(result.decision, GateDecision::kInconclusive);
  EXPECT_THAT(result.headline,
              HasSubstr("Inconclusive: no gate-role evaluator is calibrated; run arbiter "
                        "calibrate or pass --calibration"));
  GateOptions allow;
  allow.allow_uncalibrated = true;
  GateResult allowed = p.Gate({}, nullptr, allow);
  EXPECT_EQ(allowed.decision, GateDecision::kPassed);
  EXPECT_THAT(allowed.headline, HasSubstr("Passed with warnings"));
  EXPECT_THAT(allowed.warnings[0], HasSubstr("--allow-uncalibrated"));
}

TEST(GateFailsClosedTest, StaleCalibrationNamesItselfInTheReason) {
  Pair p;
  p.cand = p.base;
  EvaluatorRole stale;
  stale.note = "stale: calibrated at v1, the run used v2";
  p.roles = {{"grounded", stale}};
  GateResult result = p.Gate();
  EXPECT_EQ(result.decision, GateDecision::kInconclusive);
  EXPECT_THAT(result.reasons[0], HasSubstr("grounded is stale: calibrated at v1"));
}

TEST(GateFailsClosedTest, MissingEvaluatorIsInconclusive) {
  Pair p;
  AddRows(p.cand, "grounded", 95, 100);  // tone (a signal) did not run
  GateResult result = p.Gate();
  EXPECT_EQ(result.decision, GateDecision::kInconclusive);
  EXPECT_THAT(result.reasons[0], HasSubstr("tone ran in the baseline (v1) but is missing"));
}

TEST(GateFailsClosedTest, EmptyCandidateIsInconclusive) {
  Pair p;
  GateResult result = p.Gate();  // no rows, no evaluators
  EXPECT_EQ(result.decision, GateDecision::kInconclusive);
  EXPECT_EQ(result.reasons.size(), 2u);
}

TEST(GateFailsClosedTest, FingerprintChangedWithoutVersionBumpIsInconclusive) {
  Pair p;
  p.cand = p.base;
  GateResult result = p.Gate({{"tone", "fp-other"}});
  EXPECT_EQ(result.decision, GateDecision::kInconclusive);
  EXPECT_THAT(result.reasons[0], HasSubstr("tone changed without a version bump"));
}

TEST(GateFailsClosedTest, VersionBumpOfAGateIsInconclusiveUntilTheBaselineReruns) {
  Pair p;
  AddRows(p.cand, "grounded", 95, 100, /*version=*/2);
  AddRows(p.cand, "tone", 95, 100);
  GateResult result = p.Gate();
  EXPECT_EQ(result.decision, GateDecision::kInconclusive);
  EXPECT_THAT(result.reasons[0], HasSubstr("v1 in the baseline, v2 in the candidate"));
}

TEST(GateFailsClosedTest, ErrorsThatHideFailuresAreInconclusive) {
  Pair p;
  AddRows(p.cand, "tone", 95, 100);
  // The 5 failing traces and 2 more became errors (a judge down on hard cases): every shared
  // trace still passes.
  for (int i = 0; i < 100; ++i) {
    std::string id = "t-" + std::to_string(i);
    p.cand += i < 93 ? "{\"trace_id\": \"" + id +
                           "\", \"evaluator\": \"grounded\", \"version\": 1, \"score\": 1.0, "
                           "\"pass\": true, \"reason\": \"\", \"error\": null}\n"
                     : "{\"trace_id\": \"" + id +
                           "\", \"evaluator\": \"grounded\", \"version\": 1, \"score\": null, "
                           "\"pass\": null, \"error\": \"HTTP 503\"}\n";
  }
  GateOptions lenient;
  lenient.min_coverage = 0.5;  // so the error rule alone decides
  GateResult result = p.Gate({}, nullptr, lenient);
  EXPECT_EQ(result.decision, GateDecision::kInconclusive);
  EXPECT_THAT(result.reasons[0], HasSubstr("7.0% of its candidate rows are errors"));
}

TEST(GateFailsClosedTest, InterruptedRunIsInconclusive) {
  Pair p;
  p.cand = p.base;
  GateResult result = p.Gate({}, {{"interrupted", true}});
  EXPECT_EQ(result.decision, GateDecision::kInconclusive);
  EXPECT_THAT(result.reasons[0], HasSubstr("candidate run was interrupted"));
}

TEST(GateFailsClosedTest, BlockOutranksInconclusiveAndListsTheRegressedTraces) {
  Pair p;
  AddRows(p.cand, "grounded", 60, 100);  // 35 traces went from pass to fail
  GateResult result = p.Gate();          // tone is missing too
  EXPECT_EQ(result.decision, GateDecision::kBlocked);
  const EvaluatorGate& g = result.evaluators[0];
  EXPECT_EQ(g.regressed_total, 35u);
  EXPECT_EQ(g.regressed_count(), 35u);
  EXPECT_EQ(g.improved_count(), 0u);
  ASSERT_EQ(g.regressed.size(), 35u);
  EXPECT_EQ(g.regressed[0].trace_id, "t-60");
  EXPECT_THAT(result.headline,
              HasSubstr("Blocked: grounded fell 35.0 points [-44.5, -25.3], beyond the 2-point "
                        "tolerance"));
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
  EXPECT_EQ(keys,
            (std::vector<std::string>{"id", "version", "role", "fingerprint", "shared_traces",
                                      "coverage", "error_rate", "baseline_pass_rate",
                                      "candidate_pass_rate", "delta", "delta_ci95", "discordant",
                                      "verdict", "reason", "regressed", "regressed_total"}));
  EXPECT_EQ(g["discordant"]["regressed"], 70);
  EXPECT_EQ(g["regressed_total"], 70);
  EXPECT_EQ(g["regressed"].size(), 70u);

  std::string md = GateMarkdown(result);
  EXPECT_THAT(md, HasSubstr("BLOCKED"));
  EXPECT_THAT(md, HasSubstr("| grounded v1 | gate | 500 | 92.0% | 78.0% | -14.0 points ["));
  EXPECT_THAT(md, HasSubstr("**Blocked: grounded fell 14.0 points"));
  // The first ten regressed traces of each blocking or warning evaluator, then a count.
  EXPECT_THAT(md, HasSubstr("grounded: 70 traces went from pass to fail"));
  EXPECT_THAT(md, HasSubstr("60 more in gate.json"));
  EXPECT_LT(std::count(md.begin(), md.end(), '\n'), 70);  // fits a pull-request comment

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

TEST(GateReportTest, RegressedTracesCarryBothReasonsAndAreCapped) {
  TempDir dir;
  std::string base, cand;
  AddRows(base, "grounded", 1500, 1500);
  AddRows(cand, "grounded", 200, 1500);
  RunOutput b = Load(dir, "b", base), c = Load(dir, "c", cand);
  GateResult result = ComputeGate(b, c, {{"grounded", RoleOf(Role::kGate)}}, {});
  ASSERT_TRUE(FillRegressedReasons(b, c, result).ok());
  const EvaluatorGate& g = result.evaluators[0];
  EXPECT_EQ(g.regressed_total, 1300u);
  ASSERT_EQ(g.regressed.size(), kMaxRegressedListed);
  // In trace id order (as text): t-1000 comes before t-201.
  EXPECT_EQ(g.regressed[0].trace_id, "t-1000");
  EXPECT_EQ(g.regressed[0].baseline_reason, "ok 1000");
  EXPECT_EQ(g.regressed[0].candidate_reason, "bad 1000");
  std::string junit = GateJunit(result, "2026-11-20T10:00:00");
  EXPECT_THAT(junit, HasSubstr("regressed traces (1300):\nt-1000: ok 1000 -&gt; bad 1000"));
}

TEST(GateReportTest, EscapesMarkupFromTheData) {
  EXPECT_EQ(XmlEscape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  EXPECT_EQ(XmlEscape(std::string("a\x01z")), "a z");
}

}  // namespace
}  // namespace arbiter
