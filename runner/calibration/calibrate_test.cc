// Calibrate, what `arbiter calibrate` calls: the outputs it writes from a run's scores.jsonl, the
// history record, and which failures are the user's input.
#include "runner/calibration/calibrate.h"

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runner/labels/label.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::ReadFile;
using testing::TempDir;

class CalibrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 12 labeled traces, every other one a failure; the evaluator agrees on all of them.
    std::string csv = "trace_id,failure_mode,label\n", rows;
    for (int i = 0; i < 12; ++i) {
      bool fail = i % 2 == 0;
      std::string id = "t-" + std::to_string(i);
      csv += id + ",invented-citation," + (fail ? "fail" : "pass") + "\n";
      rows +=
          "{\"trace_id\": \"" + id +
          "\", \"evaluator\": \"grounded\", \"version\": 1, \"score\": " + (fail ? "0.0" : "1.0") +
          ", \"pass\": " + (fail ? "false" : "true") + ", \"reason\": \"r\", \"error\": null}\n";
    }
    LabelFileOptions defaults;
    defaults.default_reviewer = "ana";
    defaults.default_labeled_at = "2026-11-20T10:00:00Z";
    auto labels = ReadLabelFile(dir_.Write("labels.csv", csv), defaults);
    ASSERT_TRUE(labels.ok()) << labels.status().message();
    LabelStore store(dir_.path() / "labels");
    ImportOptions import;
    import.created_at = "2026-11-20T10:00:00Z";
    ASSERT_TRUE(store.Import("cites", *labels, import).ok());

    for (const char* id : {"grounded", "tone"}) {
      LoadedEvaluator e;
      e.spec.id = id;
      e.spec.version = 1;
      e.spec.failure_mode = std::string(id) == "grounded" ? "invented-citation" : "rude";
      suite_.evaluators.push_back(std::move(e));
    }
    options_.labels = "cites@v1";
    options_.labels_root = (dir_.path() / "labels").string();
    options_.scores = dir_.Write("scores.jsonl", rows).string();
    options_.out = dir_.path() / "out";
    options_.history = (dir_.path() / "history.db").string();
  }

  TempDir dir_;
  Suite suite_;
  CalibrateOptions options_;
};

TEST_F(CalibrateTest, WritesTheOutputsAndRecordsTheHistory) {
  Result<CalibrationRun> run = Calibrate(suite_, options_);
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->label_set, "cites@v1");
  ASSERT_EQ(run->evaluators.size(), 1u);
  const EvaluatorCalibration& c = run->evaluators[0];
  EXPECT_EQ(c.labels, 12u);
  EXPECT_EQ(c.mcc, 1.0);
  EXPECT_EQ(c.role, Role::kGate);
  EXPECT_EQ(run->notes.unlabeled, std::vector<std::string>{"tone"});

  std::string json = ReadFile(options_.out / "calibration.json");
  EXPECT_EQ(json, CalibrationJson(*run).dump(2) + "\n");
  EXPECT_THAT(ReadFile(options_.out / "calibration.md"), HasSubstr("| grounded | 1 | 12 |"));

  auto history = HistoryStore::Open(options_.history, /*create=*/false);
  ASSERT_TRUE(history.ok()) << history.status().message();
  auto latest = (*history)->Latest("grounded", 1);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->role, Role::kGate);
  EXPECT_EQ((*latest)->mcc, 1.0);
  EXPECT_EQ((*latest)->labels, 12);
  EXPECT_EQ((*latest)->figures, nlohmann::ordered_json::parse(json)["evaluators"][0]);
}

TEST_F(CalibrateTest, NoHistoryRecordsNothing) {
  options_.no_history = true;
  ASSERT_TRUE(Calibrate(suite_, options_).ok());
  EXPECT_FALSE(std::filesystem::exists(options_.history));
}

TEST_F(CalibrateTest, BadInputsAreInvalidArgument) {
  CalibrateOptions unknown = options_;
  unknown.labels = "cites@v9";
  EXPECT_EQ(Calibrate(suite_, unknown).status().code(), Status::Code::kInvalidArgument);

  CalibrateOptions missing = options_;
  missing.scores.clear();
  missing.traces = {(dir_.path() / "missing.jsonl").string()};
  Result<CalibrationRun> run = Calibrate(suite_, missing);
  EXPECT_EQ(run.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(run.status().message(), HasSubstr("missing.jsonl: no such trace file"));

  suite_.evaluators[0].spec.version = 2;
  run = Calibrate(suite_, options_);
  EXPECT_EQ(run.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(run.status().message(), HasSubstr("but the suite declares v2; run the suite again"));
  EXPECT_FALSE(std::filesystem::exists(options_.out / "calibration.json"));
}

}  // namespace
}  // namespace arbiter
