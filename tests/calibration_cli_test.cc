// The seed scenario of datasets/seed/README.md with the real binary: labels verified,
// evaluators calibrated, the model swap blocked (exit 1), the fix passed (exit 0); the reports
// checked with xmllint against the JUnit schema and rendered in headless Chromium.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

constexpr char kSuite[] = "evaluators/suites/demo.yaml";
constexpr char kBaseline[] = "datasets/demo/traces.jsonl";
constexpr char kSwap[] = "datasets/seed/candidate-swap.jsonl.gz";
constexpr char kFixed[] = "datasets/seed/candidate-fixed.jsonl.gz";

nlohmann::json ReadJson(const std::filesystem::path& path) {
  return nlohmann::json::parse(ReadFile(path), nullptr, /*allow_exceptions=*/false);
}

bool HaveTool(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// One walk-through shared by the tests below (the runs take a few seconds each).
class SeedScenario : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto d = dir_->path().string();
    history_ = d + "/history.db";
    steps_["verify"] = RunArbiter("labels verify support-seed");
    steps_["run-baseline"] = RunArbiter(std::string("run --quiet --suite ") + kSuite +
                                        " --traces " + kBaseline + " --out " + d + "/baseline");
    steps_["calibrate"] =
        RunArbiter(std::string("calibrate --suite ") + kSuite + " --traces " + kBaseline +
                   " --labels support-seed@v1 --out " + d + "/calibration --history " + history_);
    steps_["run-swap"] = RunArbiter(std::string("run --quiet --suite ") + kSuite + " --traces " +
                                    kSwap + " --out " + d + "/swap");
    steps_["gate-swap"] = RunArbiter("gate --suite " + std::string(kSuite) + " --baseline " + d +
                                     "/baseline --candidate " + d + "/swap --out " + d +
                                     "/gate-swap --history " + history_);
    steps_["run-fixed"] = RunArbiter(std::string("run --quiet --suite ") + kSuite + " --traces " +
                                     kFixed + " --out " + d + "/fixed");
    steps_["gate-fixed"] = RunArbiter("gate --suite " + std::string(kSuite) + " --baseline " + d +
                                      "/baseline --candidate " + d + "/fixed --out " + d +
                                      "/gate-fixed --history " + history_);
    steps_["history"] = RunArbiter("history --history " + history_);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static const CommandResult& Step(const std::string& name) { return steps_[name]; }
  static std::filesystem::path Out(const std::string& name) { return dir_->path() / name; }

  static TempDir* dir_;
  static std::string history_;
  static std::map<std::string, CommandResult> steps_;
};

TempDir* SeedScenario::dir_ = nullptr;
std::string SeedScenario::history_;
std::map<std::string, CommandResult> SeedScenario::steps_;

TEST_F(SeedScenario, BundledLabelsVerifyAndRunsSucceed) {
  EXPECT_EQ(Step("verify").exit_code, 0) << Step("verify").out << Step("verify").err;
  EXPECT_THAT(Step("verify").out, HasSubstr("ok       support-seed@v1"));
  for (const char* step : {"run-baseline", "run-swap", "run-fixed", "calibrate"}) {
    EXPECT_EQ(Step(step).exit_code, 0) << step << ": " << Step(step).err;
  }
}

TEST_F(SeedScenario, CalibrationGivesEachRoleItsEvidence) {
  auto calibration = ReadJson(Out("calibration") / "calibration.json");
  ASSERT_TRUE(calibration.is_object()) << Step("calibrate").err;
  EXPECT_EQ(calibration["label_set"], "support-seed@v1");
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& e : calibration["evaluators"]) by_id[e["id"]] = e;
  ASSERT_EQ(by_id.size(), 10u);
  // Reviewer ana passed one of the 11 invented citations: the evaluator fails it (fp 1).
  EXPECT_EQ(by_id["citation-grounded"]["confusion"],
            nlohmann::json({{"tp", 10}, {"fp", 1}, {"tn", 11}, {"fn", 0}}));
  EXPECT_EQ(by_id["citation-grounded"]["role"], "gate");
  EXPECT_EQ(by_id["citation-grounded"]["disagreements"].size(), 1u);
  EXPECT_EQ(by_id["overlength-summary"]["role"], "signal");  // 3 + 3 of 24 disagree: MCC 0.5
  EXPECT_EQ(by_id["overlength-summary"]["mcc"], 0.5);
  EXPECT_EQ(by_id["tool-error-acknowledged"]["role"], "revise");  // MCC 0.2
  EXPECT_EQ(by_id["answer-max-length"]["role"], "uncalibrated");  // 4 failures labeled
  std::string md = ReadFile(Out("calibration") / "calibration.md");
  EXPECT_THAT(md, HasSubstr("## Disagreements with the labels"));
  EXPECT_THAT(md, HasSubstr("| citation-grounded | 1 | 22 | 10 | 1 | 11 | 0 |"));
}

TEST_F(SeedScenario, TheModelSwapIsBlocked) {
  const CommandResult& gate = Step("gate-swap");
  EXPECT_EQ(gate.exit_code, 1) << gate.out << gate.err;
  auto json = ReadJson(Out("gate-swap") / "gate.json");
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json["decision"], "blocked");
  EXPECT_EQ(json["blocking"], nlohmann::json::array({"citation-grounded"}));
  for (const auto& e : json["evaluators"]) {
    if (e["id"] != "citation-grounded") {
      EXPECT_NE(e["verdict"], "block") << e["id"];
      continue;
    }
    EXPECT_EQ(e["role"], "gate");
    EXPECT_NEAR(e["baseline_pass_rate"].get<double>(), 0.92, 0.015);
    EXPECT_NEAR(e["candidate_pass_rate"].get<double>(), 0.78, 0.015);
    EXPECT_LT(e["delta_ci95"][1].get<double>(), 0.0);
  }
  EXPECT_THAT(ReadFile(Out("gate-swap") / "gate.md"), HasSubstr("BLOCKED"));
  EXPECT_THAT(gate.out, HasSubstr("**Blocked: citation-grounded fell 14.0 points"));
}

TEST_F(SeedScenario, TheFixPasses) {
  const CommandResult& gate = Step("gate-fixed");
  EXPECT_EQ(gate.exit_code, 0) << gate.out << gate.err;
  auto json = ReadJson(Out("gate-fixed") / "gate.json");
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json["decision"], "passed");
  EXPECT_TRUE(json["blocking"].empty());
}

// The history store holds citation-grounded's calibration at v1. Runs made with a v2 of it
// (a changed rubric, say) must not be gated by that old agreement: it is stale, so untrusted,
// and the swap's drop no longer blocks.
TEST_F(SeedScenario, HistoryCalibrationOfAnotherVersionIsStale) {
  ASSERT_EQ(Step("calibrate").exit_code, 0) << Step("calibrate").err;
  TempDir dir;
  const std::string v1 = "\"evaluator\": \"citation-grounded\", \"version\": 1,";
  const std::string v2 = "\"evaluator\": \"citation-grounded\", \"version\": 2,";
  for (const char* run : {"baseline", "swap"}) {
    std::string scores = ReadFile(Out(run) / "scores.jsonl");
    size_t replaced = 0;
    for (size_t at = scores.find(v1); at != std::string::npos; at = scores.find(v1, at)) {
      scores.replace(at, v1.size(), v2);
      ++replaced;
    }
    ASSERT_GT(replaced, 900u) << run;
    dir.Write(std::string(run) + "/scores.jsonl", scores);
  }
  auto gate = RunArbiter("gate --suite " + std::string(kSuite) + " --baseline " +
                         (dir.path() / "baseline").string() + " --candidate " +
                         (dir.path() / "swap").string() + " --out " +
                         (dir.path() / "out").string() + " --history " + history_);
  // A gate that lost its calibration: the gate cannot vouch for the candidate.
  EXPECT_EQ(gate.exit_code, 4) << gate.out << gate.err;
  auto json = ReadJson(dir.path() / "out" / "gate.json");
  bool seen = false;
  for (const auto& e : json["evaluators"]) {
    if (e["id"] != "citation-grounded") continue;
    seen = true;
    EXPECT_EQ(e["version"], 2);
    EXPECT_EQ(e["role"], "uncalibrated");
    EXPECT_EQ(e["verdict"], "untrusted");
  }
  EXPECT_TRUE(seen);
  EXPECT_THAT(ReadFile(dir.path() / "out" / "junit.xml"), HasSubstr("stale: calibrated at v1"));
  EXPECT_THAT(ReadFile(dir.path() / "out" / "report.html"), HasSubstr("stale: calibrated at v1"));
}

TEST_F(SeedScenario, HistoryListsEveryCalibration) {
  EXPECT_EQ(Step("history").exit_code, 0) << Step("history").err;
  EXPECT_THAT(Step("history").out, HasSubstr("citation-grounded\n"));
  EXPECT_THAT(Step("history").out, HasSubstr("support-seed@v1"));
}

TEST_F(SeedScenario, JunitValidatesAgainstTheJunitSchema) {
  std::string junit = ReadFile(Out("gate-swap") / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("<failure type=\"block\""));
  EXPECT_THAT(junit, HasSubstr("<skipped message="));
  if (!HaveTool("xmllint"))
    GTEST_SKIP() << "xmllint not installed (ARBITER_WITH_BROWSER=1 ./setup.sh)";
  for (const char* gate : {"gate-swap", "gate-fixed"}) {
    std::string command = "xmllint --noout --schema tests/fixtures/junit/junit.xsd " +
                          (Out(gate) / "junit.xml").string() + " 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << gate;
  }
}

TEST_F(SeedScenario, ReportRendersInHeadlessChromium) {
  std::string html = ReadFile(Out("gate-swap") / "report.html");
  ASSERT_FALSE(html.empty());
  std::string chromium = HaveTool("chromium")           ? "chromium"
                         : HaveTool("chromium-browser") ? "chromium-browser"
                                                        : "";
  if (chromium.empty())
    GTEST_SKIP() << "chromium not installed (ARBITER_WITH_BROWSER=1 ./setup.sh)";
  TempDir profile;
  std::string dom = (profile.path() / "dom.html").string();
  std::string log = (profile.path() / "log.txt").string();
  std::string command = "timeout 120 " + chromium +
                        " --headless --disable-gpu --no-sandbox --no-first-run "
                        "--enable-logging=stderr --v=0 --user-data-dir=" +
                        (profile.path() / "profile").string() + " --dump-dom file://" +
                        std::filesystem::absolute(Out("gate-swap") / "report.html").string() +
                        " >" + dom + " 2>" + log;
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(log);
  std::string rendered = ReadFile(dom);
  std::string messages = ReadFile(log);
  // The page's script ran to its end and counted one section per evaluator.
  EXPECT_THAT(rendered, HasSubstr("data-ready=\"10\""));
  EXPECT_THAT(messages, ::testing::Not(HasSubstr("CONSOLE"))) << messages;
  EXPECT_THAT(messages, ::testing::Not(HasSubstr("Uncaught"))) << messages;
  auto json = ReadJson(Out("gate-swap") / "gate.json");
  for (const auto& e : json["evaluators"]) {
    EXPECT_THAT(rendered,
                HasSubstr("<section data-evaluator=\"" + e["id"].get<std::string>() + "\""))
        << e["id"];
  }
}

TEST(LabelsCliTest, EveryNewCommandHasHelp) {
  for (const char* command : {"labels", "labels import", "labels list", "labels verify",
                              "labels diff", "labels agreement", "calibrate", "gate", "history"}) {
    auto help = RunArbiter(std::string(command) + " --help");
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_THAT(help.out, HasSubstr("Usage: arbiter " + std::string(command))) << command;
  }
  auto missing =
      RunArbiter("calibrate --suite evaluators/suites/demo.yaml --labels x@v1 --out /tmp/x");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("give --traces"));
}

// Importing the bundled CSVs again reproduces the bundled label set byte for byte, and a
// second import makes the next version instead of rewriting.
TEST(LabelsCliTest, BundledLabelSetIsCurrentAndImportsAreVersioned) {
  TempDir dir;
  std::string root = " --root " + dir.path().string();
  auto v1 = RunArbiter(
      "labels import --name support-seed --from datasets/seed/labels-ana.csv "
      "--reviewer ana --created-at 2026-11-20T18:00:00Z" +
      root);
  ASSERT_EQ(v1.exit_code, 0) << v1.err;
  EXPECT_THAT(v1.out, HasSubstr("support-seed@v1:"));
  auto v2 = RunArbiter(
      "labels import --name support-seed --from datasets/seed/labels-ben.csv "
      "--reviewer ben --created-at 2026-11-21T18:00:00Z" +
      root);
  ASSERT_EQ(v2.exit_code, 0) << v2.err;
  for (const char* version : {"v1", "v2"}) {
    for (const char* file : {"labels.jsonl", "manifest.json"}) {
      std::string bundled =
          ReadFile(std::filesystem::path("datasets/labels/support-seed") / version / file);
      std::string fresh = ReadFile(dir.path() / "support-seed" / version / file);
      // manifest.json names the file imported; both came from the same relative path.
      EXPECT_EQ(fresh, bundled) << version << "/" << file
                                << " is stale: re-import (datasets/seed/README.md)";
    }
  }
  auto diff = RunArbiter("labels diff support-seed@v1 support-seed@v2" + root);
  EXPECT_EQ(diff.exit_code, 0);
  EXPECT_THAT(diff.out, HasSubstr("22 added, 0 removed, 0 flipped"));
  auto agreement = RunArbiter("labels agreement support-seed@v2" + root);
  EXPECT_EQ(agreement.exit_code, 0);
  EXPECT_THAT(agreement.out, HasSubstr("invented-citation"));
  auto list = RunArbiter("labels list" + root);
  EXPECT_THAT(list.out, HasSubstr("support-seed@v2"));
}

TEST(LabelsCliTest, TamperedLabelsAreNamedAndRefused) {
  TempDir dir;
  std::string root = " --root " + dir.path().string();
  dir.Write("in.csv", "trace_id,failure_mode,label\nt-1,m,fail\nt-2,m,pass\n");
  ASSERT_EQ(RunArbiter("labels import --name s --from " + (dir.path() / "in.csv").string() +
                       " --reviewer ana" + root)
                .exit_code,
            0);
  auto file = dir.path() / "s" / "v1" / "labels.jsonl";
  std::filesystem::permissions(file, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::string text = ReadFile(file);
  text[text.size() - 5] = 'X';
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
  auto verify = RunArbiter("labels verify s" + root);
  EXPECT_EQ(verify.exit_code, 3);
  EXPECT_THAT(verify.out,
              HasSubstr("CHANGED  s@v1: sha256 mismatch: " + file.string() + ": line 2"));
  auto calibrate = RunArbiter(std::string("calibrate --suite ") + kSuite + " --traces " +
                              kBaseline + " --labels s@v1 --labels-root " + dir.path().string() +
                              " --out " + (dir.path() / "out").string() + " --no-history");
  EXPECT_EQ(calibrate.exit_code, 2);
  EXPECT_THAT(calibrate.err, HasSubstr("sha256 mismatch"));
}

TEST(LabelsCliTest, OverlongNameIsAUsageError) {
  // It was an uncaught filesystem_error (abort).
  TempDir dir;
  auto path = dir.Write("in.csv", "trace_id,failure_mode,label\nt-1,m,fail\n");
  auto result = RunArbiter("labels import --name " + std::string(300, 'n') + " --from " +
                           path.string() + " --reviewer ana --root " + dir.path().string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("must match [a-z0-9][a-z0-9_.-]* and have at most 64"));
}

TEST(CalibrateCliTest, BrokenTracesAreReportedAndAnEmptyMeasureWarns) {
  // A broken line among the labeled traces was dropped without a word, and a calibration that
  // compared nothing (traces without a labeled one) exited 0 just as silently.
  TempDir dir;
  std::string traces = ReadFile(kBaseline);
  size_t second = traces.find('\n') + 1;
  auto with_broken = dir.Write(
      "t.jsonl", traces.substr(0, second) + "{\"trace_id\": \"cut\n" + traces.substr(second));
  const std::string calibrate = std::string("calibrate --no-history --suite ") + kSuite +
                                " --labels support-seed@v1 --out " + dir.path().string() + "/c";
  auto broken = RunArbiter(calibrate + " --traces " + with_broken.string());
  ASSERT_EQ(broken.exit_code, 0) << broken.err;
  EXPECT_THAT(broken.err, HasSubstr(with_broken.string() + ":2: not valid JSON"));
  EXPECT_THAT(broken.err, HasSubstr("1 broken traces were skipped"));
  EXPECT_THAT(broken.err, ::testing::Not(HasSubstr("warning")));
  EXPECT_THAT(ReadFile(dir.path() / "c" / "calibration.md"), HasSubstr("1 broken traces"));

  auto empty = dir.Write("empty.jsonl", "");
  auto nothing = RunArbiter(calibrate + " --traces " + empty.string());
  EXPECT_EQ(nothing.exit_code, 0) << nothing.err;
  EXPECT_THAT(nothing.err, HasSubstr("warning: no evaluator was compared with a single label"));
  EXPECT_THAT(nothing.err, HasSubstr("labeled traces have no score"));
}

TEST(LabelsCliTest, BadLabelFileIsAUsageErrorWithFileAndLine) {
  TempDir dir;
  auto path = dir.Write("bad.csv", "trace_id,failure_mode,label\nt-1,m,perhaps\n");
  auto result = RunArbiter("labels import --name s --from " + path.string() +
                           " --reviewer ana --root " + dir.path().string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err,
              HasSubstr(path.string() + ":2: label 'perhaps' is not pass, fail or a number"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "s"));
}

// A calibration made for another version of an evaluator does not count: the evaluator is
// uncalibrated, so it cannot block; and since it was the gate, the gate is inconclusive.
TEST(GateCliTest, StaleCalibrationIsUntrusted) {
  TempDir dir;
  // 200 traces; the baseline passes them all, the candidate fails the first `fails`.
  auto rows = [](int fails) {
    std::string text;
    for (int i = 0; i < 200; ++i) {
      bool pass = i >= fails;
      text += "{\"trace_id\": \"t-" + std::to_string(i) +
              "\", \"evaluator\": \"grounded\", "
              "\"version\": 2, \"score\": " +
              (pass ? "1.0" : "0.0") + ", \"pass\": " + (pass ? "true" : "false") +
              ", \"reason\": \"\", \"error\": null}\n";
    }
    return text;
  };
  dir.Write("base/scores.jsonl", rows(0));
  dir.Write("cand/scores.jsonl", rows(100));
  const std::string card =
      "{\"evaluators\": [{\"id\": \"grounded\", \"version\": 2, \"fingerprint\": \"fp\"}]}";
  dir.Write("base/scorecard.json", card);
  dir.Write("cand/scorecard.json", card);
  auto calibration = [&](int version) {
    return "{\"label_set\": \"x@v1\", \"label_set_sha256\": \"\", \"evaluators\": [{\"id\": "
           "\"grounded\", \"version\": " +
           std::to_string(version) + ", \"fingerprint\": \"fp\", \"role\": \"gate\"}]}";
  };
  dir.Write("stale.json", calibration(1));
  dir.Write("current.json", calibration(2));
  std::string common = "gate --baseline " + (dir.path() / "base").string() + " --candidate " +
                       (dir.path() / "cand").string() + " --out " + (dir.path() / "out").string();
  auto stale = RunArbiter(common + " --calibration " + (dir.path() / "stale.json").string());
  EXPECT_EQ(stale.exit_code, 4) << stale.err;
  auto json = ReadJson(dir.path() / "out" / "gate.json");
  EXPECT_EQ(json["evaluators"][0]["role"], "uncalibrated");
  EXPECT_EQ(json["evaluators"][0]["verdict"], "inconclusive");
  EXPECT_THAT(json["reasons"][0].get<std::string>(),
              HasSubstr("no gate-role evaluator is calibrated (grounded is stale: calibrated at "
                        "v1, the run used v2)"));
  auto current = RunArbiter(common + " --calibration " + (dir.path() / "current.json").string());
  EXPECT_EQ(current.exit_code, 1) << current.out;
  // A hand-written calibration with a wrong type is a usage error, not a crash.
  dir.Write("odd.json",
            "{\"evaluators\": [{\"id\": \"grounded\", \"version\": 2, \"fingerprint\": "
            "\"fp\", \"role\": \"gate\", \"disagreements\": [{\"trace_id\": 7}]}]}");
  auto odd = RunArbiter(common + " --calibration " + (dir.path() / "odd.json").string());
  EXPECT_EQ(odd.exit_code, 2) << odd.err;
  EXPECT_THAT(odd.err, HasSubstr("unexpected value"));
  auto missing = RunArbiter("gate --baseline /nonexistent --candidate /nonexistent --out " +
                            (dir.path() / "o").string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("not a run's output"));
}

TEST(GateCliTest, AppendsToTheGithubStepSummary) {
  TempDir dir;
  std::string rows =
      "{\"trace_id\": \"t-1\", \"evaluator\": \"e\", \"version\": 1, \"score\": 1.0, "
      "\"pass\": true, \"reason\": \"\", \"error\": null}\n";
  dir.Write("a/scores.jsonl", rows);
  dir.Write("summary.md", "earlier step\n");
  dir.Write("none.json", "{\"evaluators\": []}");
  auto result = RunArbiter("gate --baseline " + (dir.path() / "a").string() + " --candidate " +
                           (dir.path() / "a").string() + " --out " + (dir.path() / "o").string() +
                           " --calibration " + (dir.path() / "none.json").string());
  EXPECT_EQ(result.exit_code, 4) << result.err;  // nothing calibrated: inconclusive
  setenv("GITHUB_STEP_SUMMARY", (dir.path() / "summary.md").c_str(), 1);
  auto again = RunArbiter("gate --baseline " + (dir.path() / "a").string() + " --candidate " +
                          (dir.path() / "a").string() + " --out " + (dir.path() / "o").string() +
                          " --calibration " + (dir.path() / "none.json").string());
  unsetenv("GITHUB_STEP_SUMMARY");
  EXPECT_EQ(again.exit_code, 4);
  std::string summary = ReadFile(dir.path() / "summary.md");
  EXPECT_THAT(summary, HasSubstr("earlier step\n## arbiter gate: "));
  EXPECT_THAT(summary, HasSubstr("| e v1 | uncalibrated | 1 |"));
}

}  // namespace
}  // namespace arbiter
