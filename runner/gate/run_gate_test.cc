// RunGate, what `arbiter gate` calls: the reports it writes, the roles it reads (calibration.json
// or the history store), and which failures are the user's input.
#include "runner/gate/run_gate.h"

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runner/gate/roles.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::ReadFile;
using testing::TempDir;

// `passes` of 200 traces pass.
std::string Rows(int passes, int version = 1) {
  std::string rows;
  for (int i = 0; i < 200; ++i) {
    bool pass = i < passes;
    rows += "{\"trace_id\": \"t-" + std::to_string(i) + "\", \"evaluator\": \"grounded\", " +
            "\"version\": " + std::to_string(version) + ", \"score\": " + (pass ? "1.0" : "0.0") +
            ", \"pass\": " + (pass ? "true" : "false") + ", \"reason\": \"\", \"error\": null}\n";
  }
  return rows;
}

std::string Calibration(const std::string& role, int version = 1,
                        const std::string& fingerprint = "fp-grounded") {
  return "{\"label_set\": \"s@v1\", \"evaluators\": [{\"id\": \"grounded\", \"version\": " +
         std::to_string(version) + ", \"fingerprint\": \"" + fingerprint + "\", \"role\": " + role +
         "}]}";
}

constexpr char kScorecard[] =
    "{\"evaluators\": [{\"id\": \"grounded\", \"version\": 1, \"fingerprint\": \"fp-grounded\"}]}";

class RunGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("base/scores.jsonl", Rows(180));
    dir_.Write("cand/scores.jsonl", Rows(120));
    dir_.Write("base/scorecard.json", kScorecard);
    dir_.Write("cand/scorecard.json", kScorecard);
    options_.baseline = dir_.path() / "base";
    options_.candidate = dir_.path() / "cand";
    options_.out = dir_.path() / "out";
    options_.history = (dir_.path() / "no-history.db").string();
    options_.timestamp = "2026-11-20T10:00:00";
  }

  TempDir dir_;
  RunGateOptions options_;
};

TEST_F(RunGateTest, AGateEvaluatorThatDropsBlocksAndEveryReportIsWritten) {
  options_.calibration = dir_.Write("calibration.json", Calibration("\"gate\"")).string();
  Result<GateRun> run = RunGate(options_);
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->result.decision, GateDecision::kBlocked);
  ASSERT_EQ(run->result.evaluators.size(), 1u);
  EXPECT_EQ(run->result.evaluators[0].role.role, Role::kGate);
  EXPECT_EQ(run->result.evaluators[0].verdict, Verdict::kBlock);
  EXPECT_EQ(ReadFile(options_.out / "gate.md"), run->markdown);
  auto json = nlohmann::ordered_json::parse(ReadFile(options_.out / "gate.json"));
  EXPECT_EQ(json["decision"], "blocked");
  EXPECT_EQ(json["evaluators"][0]["role"], "gate");
  EXPECT_EQ(json["evaluators"][0]["verdict"], "block");
  EXPECT_THAT(ReadFile(options_.out / "junit.xml"), HasSubstr("timestamp=\"2026-11-20T10:00:00\""));
  EXPECT_THAT(ReadFile(options_.out / "report.html"), HasSubstr("<!DOCTYPE html>"));
}

TEST_F(RunGateTest, WithoutAHistoryEveryEvaluatorIsUncalibrated) {
  Result<GateRun> run = RunGate(options_);
  ASSERT_TRUE(run.ok()) << run.status().message();
  // Nothing to vouch with: inconclusive, never passed.
  EXPECT_EQ(run->result.decision, GateDecision::kInconclusive);
  EXPECT_EQ(run->result.evaluators[0].role.role, Role::kUncalibrated);
  EXPECT_EQ(run->result.evaluators[0].verdict, Verdict::kUntrusted);
  EXPECT_EQ(nlohmann::json::parse(ReadFile(options_.out / "gate.json"))["decision"],
            "inconclusive");
}

TEST_F(RunGateTest, AStaleCalibrationLeavesTheEvaluatorUncalibrated) {
  auto candidate = LoadRunOutput(options_.candidate);
  ASSERT_TRUE(candidate.ok());
  std::string path = dir_.Write("calibration.json", Calibration("\"gate\"", 2)).string();
  auto roles = RolesFromFile(path, *candidate);
  ASSERT_TRUE(roles.ok()) << roles.status().message();
  EXPECT_EQ(roles->at("grounded").role, Role::kUncalibrated);
  EXPECT_EQ(roles->at("grounded").note, "stale: calibrated at v2, the run used v1");
}

TEST_F(RunGateTest, ACalibrationOfAnotherFingerprintIsNotTrusted) {
  Result<RunOutput> candidate = LoadRunOutput(options_.candidate);
  ASSERT_TRUE(candidate.ok());
  std::string path =
      dir_.Write("calibration.json", Calibration("\"gate\"", 1, "fp-older")).string();
  auto roles = RolesFromFile(path, *candidate);
  ASSERT_TRUE(roles.ok()) << roles.status().message();
  EXPECT_EQ(roles->at("grounded").role, Role::kUncalibrated);
  EXPECT_THAT(roles->at("grounded").note,
              HasSubstr("changed without a version bump since its calibration"));
  path = dir_.Write("old.json",
                    "{\"evaluators\": [{\"id\": \"grounded\", \"version\": 1, "
                    "\"role\": \"gate\"}]}")
             .string();
  roles = RolesFromFile(path, *candidate);
  ASSERT_TRUE(roles.ok());
  EXPECT_EQ(roles->at("grounded").role, Role::kUncalibrated);
  EXPECT_THAT(roles->at("grounded").note, HasSubstr("records no fingerprint"));
}

TEST_F(RunGateTest, BadInputsAreInvalidArgumentNamingTheInput) {
  options_.baseline = dir_.path() / "missing";
  Result<GateRun> run = RunGate(options_);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(run.status().message(), HasSubstr("--baseline: "));

  options_.baseline = dir_.path() / "base";
  options_.calibration = dir_.Write("unknown.json", Calibration("\"trusted\"")).string();
  run = RunGate(options_);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(run.status().message(), HasSubstr("unknown role 'trusted'"));

  options_.calibration = dir_.Write("typed.json", Calibration("3")).string();
  run = RunGate(options_);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(run.status().message(),
            options_.calibration + ": evaluators[0].role is not a string");
  EXPECT_FALSE(std::filesystem::exists(options_.out / "gate.json"));
}

TEST(VerdictTest, NamesAreThoseOfGateJson) {
  EXPECT_EQ(VerdictName(Verdict::kBlock), "block");
  EXPECT_EQ(VerdictName(Verdict::kWarn), "warn");
  EXPECT_EQ(VerdictName(Verdict::kPass), "pass");
  EXPECT_EQ(VerdictName(Verdict::kUntrusted), "untrusted");
  EXPECT_EQ(VerdictName(Verdict::kInconclusive), "inconclusive");
  EXPECT_EQ(GateDecisionName(GateDecision::kInconclusive), "inconclusive");
  EXPECT_EQ(GateDecisionName(GateDecision::kPassed), "passed");
  EXPECT_EQ(GateDecisionName(GateDecision::kBlocked), "blocked");
}

}  // namespace
}  // namespace arbiter
