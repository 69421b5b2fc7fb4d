// `--json` on the commands that print results (issue 15, item 4): stdout is one JSON document,
// whole, with the figures the text output shows; scripts need no scraping.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

// Parses the whole of stdout; a second document or trailing text fails the parse.
json Document(const testing::CommandResult& result) {
  EXPECT_EQ(result.exit_code, 0) << result.err;
  json document = json::parse(result.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(document.is_discarded()) << result.out;
  return document;
}

TEST(JsonOutputCliTest, LabelsListVerifyDiffAndAgreement) {
  json list = Document(RunArbiter("labels list --json"));
  ASSERT_EQ(list["label_sets"].size(), 2u) << list.dump();
  const json& v1 = list["label_sets"][0];
  EXPECT_EQ(v1["label_set"], "support-seed@v1");
  EXPECT_EQ(v1["labels"], 206);
  EXPECT_EQ(v1["reviewers"], json::array({"ana"}));
  EXPECT_EQ(v1["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(v1["failure_modes"].size(), 10u);

  json verify = Document(RunArbiter("labels verify support-seed --json"));
  EXPECT_EQ(verify["ok"], true);
  ASSERT_EQ(verify["label_sets"].size(), 2u);
  EXPECT_EQ(verify["label_sets"][1], json({{"label_set", "support-seed@v2"}, {"ok", true}}));

  // The text says "22 added, 0 removed, 0 flipped".
  json diff = Document(RunArbiter("labels diff support-seed@v1 support-seed@v2 --json"));
  EXPECT_EQ(diff["from"], "support-seed@v1");
  EXPECT_EQ(diff["added"].size(), 22u);
  EXPECT_TRUE(diff["removed"].empty());
  EXPECT_TRUE(diff["flipped"].empty());
  EXPECT_EQ(diff["added"][0]["reviewer"], "ben");

  json agreement = Document(RunArbiter("labels agreement support-seed@v2 --json"));
  ASSERT_FALSE(agreement["failure_modes"].empty());
  bool some_kappa = false;
  for (const json& mode : agreement["failure_modes"]) {
    EXPECT_TRUE(mode["kappa"].is_null() || mode["kappa"].is_number()) << mode.dump();
    some_kappa = some_kappa || mode["kappa"].is_number();
    EXPECT_LE(mode["shared_traces"].get<int>(), mode["traces"].get<int>());
  }
  EXPECT_TRUE(some_kappa) << "ana and ben overlap on some traces of v2";
}

TEST(JsonOutputCliTest, AChangedLabelSetIsNotOkAndExitsThree) {
  TempDir dir;
  const std::string root = (dir.path() / "labels").string();
  ASSERT_EQ(RunArbiter("labels import --name s --from datasets/seed/labels-ana.csv --reviewer ana"
                       " --root " +
                       root)
                .exit_code,
            0);
  std::string labels = ReadFile(dir.path() / "labels/s/v1/labels.jsonl");
  labels.replace(labels.find("\"pass\""), 6, "\"fail\"");
  dir.Write("labels/s/v1/labels.jsonl", labels);
  auto verify = RunArbiter("labels verify --json --root " + root);
  EXPECT_EQ(verify.exit_code, 3);
  json document = json::parse(verify.out);
  EXPECT_EQ(document["ok"], false);
  EXPECT_EQ(document["label_sets"][0]["ok"], false);
  EXPECT_THAT(document["label_sets"][0]["problem"].get<std::string>(), HasSubstr("sha256"));
}

TEST(JsonOutputCliTest, CalibrateAndHistory) {
  TempDir dir;
  const std::string history = (dir.path() / "history.db").string();
  const std::string out = (dir.path() / "calibration").string();
  json calibration =
      Document(RunArbiter("calibrate -s evaluators/suites/demo.yaml -t datasets/demo/traces.jsonl"
                          " --labels support-seed@v1 --json -o " +
                          out + " --history " + history));
  // The same document as the calibration.json it wrote.
  EXPECT_EQ(calibration, json::parse(ReadFile(dir.path() / "calibration/calibration.json")));
  EXPECT_EQ(calibration["label_set"], "support-seed@v1");

  json records = Document(RunArbiter("history --json --history " + history));
  ASSERT_FALSE(records["evaluators"].empty());
  for (const json& evaluator : records["evaluators"]) {
    ASSERT_EQ(evaluator["calibrations"].size(), 1u) << evaluator.dump();
    EXPECT_EQ(evaluator["calibrations"][0]["label_set"], "support-seed@v1");
    EXPECT_TRUE(evaluator["drift"].is_null());
  }
  json one =
      Document(RunArbiter("history --json --evaluator citation-grounded --history " + history));
  ASSERT_EQ(one["evaluators"].size(), 1u);
  EXPECT_EQ(one["evaluators"][0]["calibrations"][0]["role"], "gate");
}

}  // namespace
}  // namespace arbiter
