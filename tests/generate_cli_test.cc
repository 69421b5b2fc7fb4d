// `arbiter generate` with the real binary on the bundled seed labels: the drafts it writes load
// with `arbiter validate`, and `arbiter calibrate` on them reports the figures generate
// predicted (held-out MCC through calibrate's threshold search on the same split, MCC on all
// labels).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

// The number after `prefix` in `text`, or NaN.
double NumberAfter(const std::string& text, const std::string& prefix) {
  size_t at = text.find(prefix);
  if (at == std::string::npos) return std::nan("");
  return std::stod(text.substr(at + prefix.size()));
}

TEST(GenerateCli, SeedDraftsValidateAndCalibrateAsPredicted) {
  TempDir dir;
  std::string out = (dir.path() / "drafts").string();
  auto generated = RunArbiter(
      "generate --labels support-seed@v1 --traces datasets/demo/traces.jsonl "
      "--suite evaluators/suites/demo.yaml --out " +
      out);
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  EXPECT_THAT(generated.out, HasSubstr("invented-citation-citations.yaml"));
  EXPECT_THAT(generated.out, HasSubstr("answer-too-long            skipped: 4 failing labels"));
  std::string report = ReadFile(std::filesystem::path(out) / "generate.md");
  EXPECT_THAT(report, HasSubstr("| suite | citation-grounded v1 |"));

  // Every draft, in a suite of its own.
  std::string suite =
      "name: drafts\ngate: { tolerance: 0.02, gate_mcc: 0.6, signal_mcc: 0.4 }\n"
      "evaluators:\n";
  std::map<std::string, std::string> drafts;  // id -> YAML
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    if (entry.path().extension() != ".yaml") continue;
    suite += "  - drafts/" + entry.path().filename().string() + "\n";
    drafts[entry.path().stem().string()] = ReadFile(entry.path());
  }
  ASSERT_TRUE(drafts.count("invented-citation-citations")) << generated.out;
  std::filesystem::path suite_file = dir.path() / "drafts.yaml";
  std::ofstream(suite_file) << suite;
  auto validated = RunArbiter("validate --suite " + suite_file.string());
  EXPECT_EQ(validated.exit_code, 0) << validated.err;

  std::string calibration = (dir.path() / "calibration").string();
  auto calibrated = RunArbiter("calibrate --suite " + suite_file.string() +
                               " --traces datasets/demo/traces.jsonl --labels support-seed@v1 "
                               "--no-history --out " +
                               calibration);
  ASSERT_EQ(calibrated.exit_code, 0) << calibrated.err;
  auto json =
      nlohmann::json::parse(ReadFile(std::filesystem::path(calibration) / "calibration.json"));
  ASSERT_EQ(json["evaluators"].size(), drafts.size());
  for (const auto& e : json["evaluators"]) {
    const std::string& yaml = drafts[e["id"].get<std::string>()];
    SCOPED_TRACE(e["id"].get<std::string>());
    EXPECT_NEAR(e["mcc"].get<double>(), NumberAfter(yaml, "reports): MCC "), 1e-4);
    EXPECT_NEAR(e["threshold_search"]["held_out_mcc"].get<double>(),
                NumberAfter(yaml, "# Held-out MCC "), 0.005);
    EXPECT_NE(e["role"], "revise");
  }
}

TEST(GenerateCli, SameInputsGiveTheSameBytes) {
  TempDir dir;
  std::string args = "generate --labels support-seed@v1 --traces datasets/demo/traces.jsonl --out ";
  ASSERT_EQ(RunArbiter(args + (dir.path() / "a").string()).exit_code, 0);
  ASSERT_EQ(RunArbiter(args + (dir.path() / "b").string()).exit_code, 0);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "a")) {
    EXPECT_EQ(ReadFile(entry.path()), ReadFile(dir.path() / "b" / entry.path().filename()))
        << entry.path().filename();
  }
}

TEST(GenerateCli, UnknownFailureModeIsAUsageError) {
  TempDir dir;
  auto result = RunArbiter(
      "generate --labels support-seed@v1 --traces datasets/demo/traces.jsonl "
      "--failure-mode no-such-mode --out " +
      (dir.path() / "d").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("no-such-mode"));
}

}  // namespace
}  // namespace arbiter
