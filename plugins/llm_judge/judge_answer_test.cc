#include "plugins/llm_judge/judge_answer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arbiter {
namespace {

using ::testing::HasSubstr;

TEST(JudgeAnswerTest, PlainJson) {
  auto answer =
      ParseJudgeAnswer(R"({"score": 1, "reason": "uses the tool result"})", JudgeScale::kBinary);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->raw, 1.0);
  EXPECT_EQ(answer->score, 1.0);
  EXPECT_EQ(answer->reason, "uses the tool result");
}

TEST(JudgeAnswerTest, CodeFenceAndProseAround) {
  auto answer = ParseJudgeAnswer(
      "Sure! Here is my verdict:\n```json\n{\"reason\": \"braces } in {text}\", \"score\": 4}\n"
      "```\nLet me know.",
      JudgeScale::kOneToFive);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->raw, 4.0);
  EXPECT_EQ(answer->score, 0.75);  // (4 - 1) / 4
  EXPECT_EQ(answer->reason, "braces } in {text}");
}

TEST(JudgeAnswerTest, SkipsObjectsWithoutAScore) {
  auto answer =
      ParseJudgeAnswer(R"(Considering {"tool": "x"} I answer {"score": 0.25})", JudgeScale::kUnit);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->score, 0.25);
  EXPECT_EQ(answer->reason, "");
}

TEST(JudgeAnswerTest, NumericStringsAndBooleans) {
  EXPECT_EQ(ParseJudgeAnswer(R"({"score": "5"})", JudgeScale::kOneToFive)->score, 1.0);
  EXPECT_EQ(ParseJudgeAnswer(R"({"score": false})", JudgeScale::kBinary)->score, 0.0);
  EXPECT_FALSE(ParseJudgeAnswer(R"({"score": true})", JudgeScale::kOneToFive).ok());
  EXPECT_FALSE(ParseJudgeAnswer(R"({"score": "high"})", JudgeScale::kOneToFive).ok());
}

TEST(JudgeAnswerTest, OutOfScaleIsAnError) {
  auto seven = ParseJudgeAnswer(R"({"score": 7})", JudgeScale::kOneToFive);
  ASSERT_FALSE(seven.ok());
  EXPECT_EQ(seven.status().message(), "score 7.0 is outside the 1-5 scale");
  EXPECT_FALSE(ParseJudgeAnswer(R"({"score": 3.5})", JudgeScale::kOneToFive).ok());
  EXPECT_FALSE(ParseJudgeAnswer(R"({"score": 0.5})", JudgeScale::kBinary).ok());
  EXPECT_FALSE(ParseJudgeAnswer(R"({"score": 1.2})", JudgeScale::kUnit).ok());
  EXPECT_FALSE(ParseJudgeAnswer(R"({"score": -0.1})", JudgeScale::kUnit).ok());
}

TEST(JudgeAnswerTest, TruncatedOrMissingJsonIsAnError) {
  auto truncated = ParseJudgeAnswer(R"({"score": 1, "rea)", JudgeScale::kBinary);
  ASSERT_FALSE(truncated.ok());
  EXPECT_THAT(truncated.status().message(),
              HasSubstr("no JSON object with a score in the answer: '{\"score\": 1, \"rea'"));
  EXPECT_FALSE(ParseJudgeAnswer("I think it is fine.", JudgeScale::kBinary).ok());
  EXPECT_FALSE(ParseJudgeAnswer("", JudgeScale::kBinary).ok());
}

}  // namespace
}  // namespace arbiter
