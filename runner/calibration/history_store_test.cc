// The calibration history: records round-trip through SQLite, the latest per evaluator version
// wins, and drift is flagged only across label sets of one evaluator version.
#include <gtest/gtest.h>

#include "runner/calibration/history_store.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::TempDir;

CalibrationRecord Record(int version, const std::string& set, const std::string& sha, double mcc,
                         Role role) {
  CalibrationRecord r;
  r.evaluator = "citation-grounded";
  r.evaluator_version = version;
  r.failure_mode = "invented-citation";
  r.label_set = set;
  r.label_set_sha256 = sha;
  r.calibrated_at = "2026-11-20T10:00:00Z";
  r.labels = 22;
  r.mcc = mcc;
  r.role = role;
  r.figures = {{"id", "citation-grounded"}, {"mcc", mcc}};
  return r;
}

TEST(HistoryStoreTest, RecordsRoundTripAndTheLatestWins) {
  TempDir dir;
  std::string path = (dir.path() / "sub" / "history.db").string();
  EXPECT_EQ(HistoryStore::Open(path, false).status().code(), Status::Code::kNotFound);
  auto store = HistoryStore::Open(path, true);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE((*store)->Record(Record(1, "s@v1", "aaa", 0.82, Role::kGate)).ok());
  ASSERT_TRUE((*store)->Record(Record(1, "s@v2", "bbb", 0.55, Role::kSignal)).ok());
  ASSERT_TRUE((*store)->Record(Record(2, "s@v2", "bbb", 0.9, Role::kGate)).ok());
  auto latest = (*store)->Latest("citation-grounded", 1);
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->role, Role::kSignal);
  EXPECT_EQ((*latest)->label_set, "s@v2");
  EXPECT_EQ((*latest)->figures["mcc"], 0.55);
  auto none = (*store)->Latest("citation-grounded", 3);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  // Read back read-only, as `arbiter gate` does.
  auto reader = HistoryStore::Open(path, false);
  ASSERT_TRUE(reader.ok());
  auto all = (*reader)->All();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
}

TEST(HistoryStoreTest, DriftIsAnAgreementDropAcrossLabelSets) {
  CalibrationRecord v1 = Record(1, "s@v1", "aaa", 0.82, Role::kGate);
  CalibrationRecord again = Record(1, "s@v1", "aaa", 0.5, Role::kSignal);  // same labels: no drift
  CalibrationRecord fresh = Record(1, "s@v2", "bbb", 0.55, Role::kSignal);
  CalibrationRecord close = Record(1, "s@v2", "bbb", 0.78, Role::kGate);
  CalibrationRecord other_version = Record(2, "s@v2", "bbb", 0.1, Role::kRevise);
  EXPECT_EQ(FindDrift({&v1, &fresh}, 0.1), &v1);
  EXPECT_EQ(FindDrift({&v1, &close}, 0.1), nullptr);
  EXPECT_EQ(FindDrift({&v1, &again}, 0.1), nullptr);
  EXPECT_EQ(FindDrift({&v1, &other_version}, 0.1), nullptr);
  EXPECT_EQ(FindDrift({&v1}, 0.1), nullptr);
}

}  // namespace
}  // namespace arbiter
