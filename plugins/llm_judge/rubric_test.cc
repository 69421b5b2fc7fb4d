#include "plugins/llm_judge/rubric.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::ParsedTrace;

constexpr char kRubric[] =
    "---\n"
    "id: grounded\n"
    "version: 2\n"
    "scale: 1-5\n"
    "output: [score, reason]\n"
    "---\n"
    "Question: {{input}}\n"
    "Answer: {{ output }}\n"
    "Tools: {{tool_calls}}\n"
    "Intent: {{metadata.intent}}\n";

TEST(RubricTest, ParsesFrontMatterAndTemplate) {
  auto rubric = ParseRubric(kRubric, "r.md");
  ASSERT_TRUE(rubric.ok()) << rubric.status().ToString();
  EXPECT_EQ(rubric->id, "grounded");
  EXPECT_EQ(rubric->version, 2);
  EXPECT_EQ(rubric->scale, JudgeScale::kOneToFive);
  EXPECT_EQ(rubric->output_fields, (std::vector<std::string>{"score", "reason"}));
  ParsedTrace trace(
      R"({"trace_id": "t", "input": "refund?", "output": "done", "metadata": {"intent": "billing"},)"
      R"( "tool_calls": [{"name": "issue_refund", "result": "ok"}]})");
  auto text = rubric->Render(trace);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text,
            "Question: refund?\nAnswer: done\n"
            "Tools: [{\"name\":\"issue_refund\",\"result\":\"ok\"}]\nIntent: billing\n");
}

TEST(RubricTest, MissingPathIsAnErrorAtRunTimeNotAnEmptyString) {
  auto rubric = ParseRubric(kRubric, "r.md");
  ASSERT_TRUE(rubric.ok());
  ParsedTrace trace(R"({"trace_id": "t", "input": "q", "output": "a", "tool_calls": []})");
  auto text = rubric->Render(trace);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(), "rubric path 'metadata.intent' is missing from the trace");
}

TEST(RubricTest, UnknownFieldIsAnErrorAtItsLineAndColumn) {
  std::string text = kRubric;
  text += "Extra: {{ouptut}}\n";
  auto rubric = ParseRubric(text, "rubrics/r.md");
  ASSERT_FALSE(rubric.ok());
  EXPECT_EQ(rubric.status().message(),
            "rubrics/r.md:11:8: unknown trace path 'ouptut': 'ouptut' is not a trace field; "
            "did you mean 'output'?");
}

TEST(RubricTest, BadPathSyntaxAndUnclosedPlaceholder) {
  auto bad = ParseRubric("---\nid: a\nversion: 1\nscale: binary\n---\nx {{output..y}}\n", "r.md");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("r.md:6:3: bad path 'output..y'"));
  auto open =
      ParseRubric("---\nid: a\nversion: 1\nscale: binary\n---\n{{output}} {{input\n", "r.md");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().message(), "r.md:6:12: unclosed '{{'");
}

TEST(RubricTest, FrontMatterErrorsPointIntoTheFile) {
  auto scale = ParseRubric("---\nid: a\nversion: 1\nscale: 1-10\n---\n{{output}}\n", "r.md");
  ASSERT_FALSE(scale.ok());
  EXPECT_EQ(scale.status().message(),
            "r.md:4:8: rubric 'scale' is '1-10'; expected binary | 1-5 | 0-1");
  auto version = ParseRubric("---\nid: a\nversion: x\nscale: binary\n---\n{{output}}\n", "r.md");
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.status().message(), "r.md:3:10: rubric 'version' must be a positive integer");
  auto key =
      ParseRubric("---\nid: a\nversion: 1\nscale: binary\nsacle: x\n---\n{{output}}\n", "r.md");
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.status().message(), HasSubstr("r.md:5:1: unknown key 'sacle'"));
  auto none = ParseRubric("no front matter {{output}}", "r.md");
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("r.md:1:1: a rubric starts with"));
  auto no_path = ParseRubric("---\nid: a\nversion: 1\nscale: binary\n---\nJudge it.\n", "r.md");
  ASSERT_FALSE(no_path.ok());
  EXPECT_THAT(no_path.status().message(), HasSubstr("r.md:6:1: the rubric body names no trace"));
}

// The front matter goes through the checks of every YAML file: a description whose "\_" escape
// yaml-cpp reads as a byte that is not UTF-8 is refused at its line, as is an alias bomb.
TEST(RubricTest, FrontMatterStringsAreUtf8AndItsAliasesBounded) {
  auto escape = ParseRubric(
      "---\nid: a\nversion: 1\nscale: binary\ndescription: \"a\\_b\"\n---\n{{output}}\n", "r.md");
  ASSERT_FALSE(escape.ok());
  EXPECT_THAT(escape.status().message(),
              HasSubstr("r.md:5:14: this string is not UTF-8 once its escapes are read"));
  std::string laughs = "---\nid: a\nversion: 1\nscale: binary\nl0: &l0 [x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 8; ++level) {
    std::string previous = "*l" + std::to_string(level - 1);
    laughs += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [" + previous;
    for (int i = 1; i < 8; ++i) laughs += ", " + previous;
    laughs += "]\n";
  }
  auto bomb = ParseRubric(laughs + "---\n{{output}}\n", "r.md");
  ASSERT_FALSE(bomb.ok());
  EXPECT_THAT(bomb.status().message(), HasSubstr("nodes through YAML aliases"));
}

}  // namespace
}  // namespace arbiter
