// The gate fails closed, with the real binary on the seed scenario (datasets/seed/README.md):
// each way a new user got `passed` for a release the gate knew nothing about now gives
// `inconclusive` (exit 4) or a usage error (exit 2), with a reason naming the evaluator and the
// cause; the swap still blocks (exit 1) with the committed calibration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

constexpr char kSuite[] = "evaluators/suites/demo.yaml";
constexpr char kBaseline[] = "datasets/demo/traces.jsonl";
constexpr char kSwap[] = "datasets/seed/candidate-swap.jsonl.gz";
constexpr char kCommittedCalibration[] = "datasets/seed/calibration.json";

nlohmann::json ReadJson(const fs::path& path) {
  return nlohmann::json::parse(ReadFile(path), nullptr, /*allow_exceptions=*/false);
}

// `arbiter ARGS` from `dir` (where no .arbiter/history.db exists).
CommandResult RunArbiterIn(const fs::path& dir, const std::string& args) {
  std::string bin = fs::absolute(testing::ArbiterBin()).string();
  std::string source = fs::current_path().string();
  setenv("ARBITER_BIN", ("cd " + dir.string() + " && " + bin).c_str(), 1);
  CommandResult result = RunArbiter(args);
  setenv("ARBITER_BIN", bin.c_str(), 1);
  (void)source;
  return result;
}

// A copy of evaluators/ in `dir` with `edit` applied to one declaration's text.
fs::path CopyEvaluators(const fs::path& dir, const std::string& file,
                        const std::function<std::string(std::string)>& edit) {
  fs::copy("evaluators", dir / "evaluators", fs::copy_options::recursive);
  fs::path path = dir / "evaluators" / file;
  std::string text = edit(ReadFile(path));
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return dir / "evaluators/suites/demo.yaml";
}

class GateFailsClosed : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const fs::path d = dir_->path();
    history_ = (d / "history.db").string();
    Expect(RunArbiter(std::string("run --quiet --suite ") + kSuite + " --traces " + kBaseline +
                      " --out " + (d / "baseline").string()));
    Expect(RunArbiter(std::string("calibrate --suite ") + kSuite + " --traces " + kBaseline +
                      " --labels support-seed@v1 --out " + (d / "calibration").string() +
                      " --history " + history_));
    Expect(RunArbiter(std::string("run --quiet --suite ") + kSuite + " --traces " + kSwap +
                      " --out " + (d / "swap").string()));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static void Expect(const CommandResult& result) {
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  }
  static fs::path Dir() { return dir_->path(); }
  // `arbiter gate` of `candidate` against the baseline, roles from the history store.
  static CommandResult Gate(const fs::path& candidate, const std::string& out,
                            const std::string& roles = "") {
    return RunArbiter(std::string("gate --suite ") + kSuite + " --baseline " +
                      (Dir() / "baseline").string() + " --candidate " + candidate.string() +
                      " --out " + (Dir() / out).string() + " " +
                      (roles.empty() ? "--history " + history_ : roles));
  }
  // Runs the suite `suite` on `traces` into DIR/out.
  static fs::path Run(const std::string& suite, const std::string& traces, const std::string& out) {
    Expect(RunArbiter("run --quiet --suite " + suite + " --traces " + traces + " --out " +
                      (Dir() / out).string()));
    return Dir() / out;
  }
  static void ExpectInconclusive(const CommandResult& gate, const std::string& out,
                                 const std::string& reason) {
    EXPECT_EQ(gate.exit_code, 4) << gate.out << gate.err;
    auto json = ReadJson(Dir() / out / "gate.json");
    ASSERT_TRUE(json.is_object()) << gate.err;
    EXPECT_EQ(json["decision"], "inconclusive");
    EXPECT_THAT(json["reasons"].dump(), HasSubstr(reason));
    EXPECT_THAT(json["headline"].get<std::string>(), HasSubstr("Inconclusive: "));
    EXPECT_THAT(gate.out, HasSubstr("INCONCLUSIVE"));
    EXPECT_THAT(gate.err, HasSubstr("Inconclusive: "));
  }

  static TempDir* dir_;
  static std::string history_;
};

TempDir* GateFailsClosed::dir_ = nullptr;
std::string GateFailsClosed::history_;

TEST_F(GateFailsClosed, TheSwapBlocksWithTheRegressedTracesListed) {
  CommandResult gate = Gate(Dir() / "swap", "gate-swap");
  ASSERT_EQ(gate.exit_code, 1) << gate.out << gate.err;
  auto json = ReadJson(Dir() / "gate-swap" / "gate.json");
  EXPECT_THAT(json["headline"].get<std::string>(), HasSubstr("Blocked: citation-grounded fell "));
  for (const auto& e : json["evaluators"]) {
    if (e["id"] != "citation-grounded") continue;
    EXPECT_EQ(e["verdict"], "block");
    EXPECT_GT(e["discordant"]["regressed"].get<int>(), 100);
    EXPECT_EQ(e["regressed"].size(), e["regressed_total"].get<size_t>());
    EXPECT_FALSE(e["regressed"][0]["baseline_reason"].get<std::string>().empty());
    EXPECT_FALSE(e["regressed"][0]["candidate_reason"].get<std::string>().empty());
  }
  EXPECT_THAT(ReadFile(Dir() / "gate-swap" / "junit.xml"), HasSubstr("regressed traces ("));
}

TEST_F(GateFailsClosed, TheCommittedCalibrationIsCurrentAndBlocksTheSwap) {
  // datasets/seed/calibration.json is what the README's CI recipe passes: it must match the
  // evaluators as committed (same versions and fingerprints) or CI would be inconclusive.
  auto committed = ReadJson(kCommittedCalibration);
  auto fresh = ReadJson(Dir() / "calibration" / "calibration.json");
  ASSERT_TRUE(committed.is_object());
  EXPECT_EQ(committed["evaluators"], fresh["evaluators"])
      << "recalibrate and commit: cp " << (Dir() / "calibration/calibration.json").string() << " "
      << kCommittedCalibration;
  CommandResult gate = RunArbiterIn(Dir(),
                                    "gate --baseline baseline --candidate swap --out "
                                    "gate-committed --calibration " +
                                        fs::absolute(kCommittedCalibration).string());
  EXPECT_EQ(gate.exit_code, 1) << gate.out << gate.err;
}

TEST_F(GateFailsClosed, NoCalibrationAnywhereIsInconclusive) {
  // From a folder without .arbiter/history.db: a fresh CI checkout.
  CommandResult gate =
      RunArbiterIn(Dir(), "gate --baseline baseline --candidate swap --out gate-bare");
  ExpectInconclusive(gate, "gate-bare", "no gate-role evaluator is calibrated");
  // A first run before any labels: uncalibrated evaluators may gate, and the report says so.
  CommandResult allowed = RunArbiterIn(
      Dir(), "gate --baseline baseline --candidate swap --out gate-allow --allow-uncalibrated");
  EXPECT_EQ(allowed.exit_code, 1) << allowed.out << allowed.err;
  EXPECT_THAT(allowed.out, HasSubstr("--allow-uncalibrated"));
}

TEST_F(GateFailsClosed, AHistoryOrCalibrationPathThatDoesNotExistIsAUsageError) {
  CommandResult typo =
      Gate(Dir() / "swap", "gate-typo", "--history " + (Dir() / "typo.db").string());
  EXPECT_EQ(typo.exit_code, 2) << typo.out << typo.err;
  EXPECT_THAT(typo.err, HasSubstr("typo.db: no such history store"));
  CommandResult calibration =
      Gate(Dir() / "swap", "gate-typo", "--calibration " + (Dir() / "nope.json").string());
  EXPECT_EQ(calibration.exit_code, 2);
  EXPECT_THAT(calibration.err, HasSubstr("nope.json: no such file"));
}

TEST_F(GateFailsClosed, ABrokenCalibrationFileIsNamedWithItsPlace) {
  // It said "unexpected value in the calibration or a run's scorecard: type must be string"
  // for a hand-edited calibration.json, and "no evaluators array" for a trailing comma.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"evaluators\": [\n  {\"id\": \"a\",}\n]}",
       "not JSON: parse error at line 2, column 14: syntax error while parsing object key"},
      {R"({"evaluators": [{"id": "no-pii"}, {"id": 1}]})", "evaluators[1].id is not a string"},
      {R"({"evaluators": [{"id": "no-pii", "version": "2"}]})",
       "evaluators[0].version is not a whole number"},
      {R"({"evaluators": [{"id": "no-pii", "role": 1}]})", "evaluators[0].role is not a string"},
      {R"({"evaluators": [7]})", "evaluators[0] is not an object"},
      {R"({"label_set": 3, "evaluators": []})", "label_set is not a string"},
  };
  for (const auto& [text, reason] : cases) {
    fs::path file = Dir() / "hand-edited.json";
    std::ofstream(file, std::ios::trunc) << text;
    CommandResult gate = Gate(Dir() / "swap", "gate-hand", "--calibration " + file.string());
    EXPECT_EQ(gate.exit_code, 2) << text << gate.err;
    EXPECT_THAT(gate.err, HasSubstr(file.string() + ": " + reason)) << text;
  }
}

TEST_F(GateFailsClosed, APartialRunIsRefusedNamingMerge) {
  // It was read as a run whose scorecard was "written by an older arbiter": inconclusive.
  Expect(RunArbiter(std::string("run --quiet --suite ") + kSuite + " --traces " + kSwap +
                    " --out " + (Dir() / "shard0").string() + " --shard 0/2"));
  CommandResult gate = Gate(Dir() / "shard0", "gate-shard");
  EXPECT_EQ(gate.exit_code, 2) << gate.out << gate.err;
  EXPECT_THAT(gate.err,
              HasSubstr((Dir() / "shard0").string() + ": a partial run of `arbiter run --shard`"));
  EXPECT_THAT(gate.err, HasSubstr("arbiter merge"));
}

TEST_F(GateFailsClosed, AVersionBumpMakesTheCalibrationStale) {
  TempDir copy;
  fs::path suite = CopyEvaluators(copy.path(), "citation-grounded.yaml", [](std::string text) {
    return std::regex_replace(text, std::regex("\nversion: 1\n"), "\nversion: 2\n");
  });
  fs::path base = Run(suite.string(), kBaseline, "bumped-baseline");
  fs::path cand = Run(suite.string(), kSwap, "bumped-swap");
  CommandResult gate =
      RunArbiter("gate --baseline " + base.string() + " --candidate " + cand.string() + " --out " +
                 (Dir() / "gate-bumped").string() + " --history " + history_);
  ExpectInconclusive(gate, "gate-bumped",
                     "citation-grounded was calibrated as a gate, but stale: calibrated at v1");
  // Against the v1 baseline, the runs are not comparable either.
  CommandResult mixed = Gate(cand, "gate-mixed");
  ExpectInconclusive(mixed, "gate-mixed", "v1 in the baseline, v2 in the candidate");
}

TEST_F(GateFailsClosed, AnEvaluatorChangedWithoutAVersionBumpIsNamed) {
  TempDir copy;
  fs::path suite = CopyEvaluators(copy.path(), "no-pii.yaml", [](std::string text) {
    return text + "\n# other patterns, same id and version\n";
  });
  // A comment changes no score: same fingerprint, and the swap still blocks.
  fs::path same = Run(suite.string(), kSwap, "comment-swap");
  EXPECT_EQ(Gate(same, "gate-comment").exit_code, 1);
  // The baseline's traces again, so no evaluator drops: the change alone decides.
  TempDir other;
  fs::path changed = CopyEvaluators(other.path(), "no-pii.yaml", [](std::string text) {
    size_t at = text.find("patterns:");
    EXPECT_NE(at, std::string::npos);
    return text.substr(0, at) + "patterns: ['@never@']\n  match: none\n";
  });
  ASSERT_EQ(RunArbiter("validate --suite " + changed.string()).exit_code, 0)
      << ReadFile(other.path() / "evaluators/no-pii.yaml");
  fs::path cand = Run(changed.string(), kBaseline, "changed-baseline");
  ExpectInconclusive(Gate(cand, "gate-changed"), "gate-changed",
                     "no-pii changed without a version bump");
}

TEST_F(GateFailsClosed, OtherTraceIdsShareNothing) {
  TempDir copy;
  fs::path renamed = copy.path() / "renamed.jsonl";
  ASSERT_EQ(
      std::system(("zcat " + std::string(kSwap) +
                   " | sed 's/\"trace_id\": *\"/\"trace_id\": \"other-/' > " + renamed.string())
                      .c_str()),
      0);
  fs::path cand = Run(kSuite, renamed.string(), "renamed-swap");
  ExpectInconclusive(Gate(cand, "gate-renamed"), "gate-renamed",
                     "citation-grounded compared on 0 of the");
}

TEST_F(GateFailsClosed, AnEmptyCandidateOrOneEvaluatorOfTenIsInconclusive) {
  TempDir copy;
  fs::path empty = copy.Write("empty.jsonl", "");
  fs::path cand = Run(kSuite, empty.string(), "empty-run");
  ExpectInconclusive(Gate(cand, "gate-empty"), "gate-empty", "citation-grounded compared on 0");

  fs::path one = copy.Write("one.yaml",
                            "name: one\nevaluators: [" +
                                fs::absolute("evaluators/citation-grounded.yaml").string() + "]\n");
  fs::path partial = Run(one.string(), kBaseline, "one-run");  // no drop: the gap alone decides
  ExpectInconclusive(Gate(partial, "gate-one"), "gate-one",
                     "no-pii ran in the baseline (v1) but is missing from the candidate");
}

}  // namespace
}  // namespace arbiter
