// scores.jsonl's one owner: the rows it writes are the SPEC's, byte for byte, and read back to
// the same values; a malformed row is an error naming file and line, whichever reader asks.
#include "runner/scoring/score_rows.h"

#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;

TEST(ScoreRowsTest, WritesTheSpecRows) {
  std::string label = ScoreRowLabel("tone\"x", 3);
  EXPECT_EQ(label, ", \"evaluator\": \"tone\\\"x\", \"version\": 3");
  std::string rows;
  AppendScoreRow(rows, "t-1", label, 0.25, false, "too \"curt\"");
  AppendScoreRow(rows, "t-2", label, 1.0, true, "");
  AppendErrorRow(rows, "t-3", label, "plugin 'x' returned NaN");
  EXPECT_EQ(
      rows,
      "{\"trace_id\": \"t-1\", \"evaluator\": \"tone\\\"x\", \"version\": 3, \"score\": 0.25, "
      "\"pass\": false, \"reason\": \"too \\\"curt\\\"\", \"error\": null}\n"
      "{\"trace_id\": \"t-2\", \"evaluator\": \"tone\\\"x\", \"version\": 3, \"score\": 1.0, "
      "\"pass\": true, \"reason\": \"\", \"error\": null}\n"
      "{\"trace_id\": \"t-3\", \"evaluator\": \"tone\\\"x\", \"version\": 3, \"score\": null, "
      "\"pass\": null, \"reason\": null, \"error\": \"plugin 'x' returned NaN\"}\n");
}

TEST(ScoreRowsTest, ReadsBackWhatItWrites) {
  std::string label = ScoreRowLabel("tone", 2);
  std::string rows;
  AppendScoreRow(rows, "t-1", label, 0.75, true, "fine");
  AppendErrorRow(rows, "t-2", label, "timeout");
  testing::TempDir dir;
  auto path = dir.Write("scores.jsonl", rows + "\n  \n");  // blank lines are skipped
  std::vector<ScoreRow> read;
  ASSERT_TRUE(ReadScoreRows(path.string(), [&](ScoreRow& row) { read.push_back(row); }).ok());
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].trace_id, "t-1");
  EXPECT_EQ(read[0].evaluator, "tone");
  EXPECT_EQ(read[0].version, 2);
  EXPECT_EQ(read[0].score, 0.75);
  EXPECT_EQ(read[0].pass, true);
  EXPECT_EQ(read[0].reason, "fine");
  EXPECT_EQ(read[0].error, "");
  EXPECT_EQ(read[1].trace_id, "t-2");
  EXPECT_FALSE(read[1].score.has_value());
  EXPECT_FALSE(read[1].pass.has_value());
  EXPECT_EQ(read[1].error, "timeout");
}

TEST(ScoreRowsTest, AMalformedRowNamesFileAndLine) {
  struct Case {
    std::string row, error;
  } cases[] = {
      {"nope", "not JSON"},
      {R"({"evaluator": "x", "version": 1})", "no trace_id"},
      {R"({"trace_id": "t", "version": 1})", "no evaluator"},
      {R"({"trace_id": "t", "evaluator": "x"})", "no version"},
      {R"({"trace_id": "t", "evaluator": "x", "version": 1, "pass": true})", "no score"},
      {R"({"trace_id": "t", "evaluator": "x", "version": 1, "score": 0.5})", "no pass"},
  };
  testing::TempDir dir;
  for (const Case& c : cases) {
    auto path = dir.Write("scores.jsonl", std::string(R"({"trace_id": "t", "evaluator": "x", )") +
                                              R"("version": 1, "score": 1, "pass": true})" + "\n" +
                                              c.row + "\n");
    Status status = ReadScoreRows(path.string(), [](ScoreRow&) {});
    EXPECT_EQ(status.code(), Status::Code::kCorruption) << c.row;
    EXPECT_EQ(status.message(),
              path.string() + ":2: " + c.error + " (expected a scores.jsonl row)");
  }
}

TEST(ScoreRowsTest, AScoreReaderNeedsOnlyTraceIdEvaluatorAndScore) {
  testing::TempDir dir;
  auto path = dir.Write("scores.jsonl", R"({"trace_id": "t-1", "evaluator": "x", "score": 0.1}
{"trace_id": "t-2", "evaluator": "x"}
{"trace_id": "t-3", "evaluator": "x", "score": null, "error": "boom"}
)");
  std::vector<ScoreRow> read;
  Status status = ReadScoreRows(
      path.string(), [&](ScoreRow& row) { read.push_back(row); }, ScoreRowFields::kScore);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[0].score, 0.1);
  EXPECT_FALSE(read[0].pass.has_value());
  EXPECT_FALSE(read[1].score.has_value());
  EXPECT_EQ(read[2].error, "boom");
  // The full reader refuses the same file, and the score reader still wants a numeric score.
  EXPECT_THAT(ReadScoreRows(path.string(), [](ScoreRow&) {}).message(),
              HasSubstr("scores.jsonl:1: no version"));
  auto bad = dir.Write("bad.jsonl", R"({"trace_id": "t-1", "evaluator": "x", "score": "low"})");
  Status refused = ReadScoreRows(
      bad.string(), [](ScoreRow&) {}, ScoreRowFields::kScore);
  EXPECT_EQ(refused.message(), bad.string() + ":1: no score (expected a scores.jsonl row)");
}

}  // namespace
}  // namespace arbiter
