#include "plugins/text/length_plugin.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::ParsedTrace;
using testing::SpecFromYaml;

const testing::PluginHarness& Plugin() {
  static const testing::PluginHarness harness(LengthPlugin());
  return harness;
}

std::string Output(const std::string& escaped_json_text) {
  return R"({"trace_id": "t", "output": ")" + escaped_json_text + R"(", "latency_ms": 1234})";
}

TEST(LengthPluginTest, Registration) {
  PluginInfo info = LengthPlugin();
  EXPECT_EQ(info.name, "length");
  EXPECT_EQ(info.version, 1);
  nlohmann::json schema = nlohmann::json::parse(info.params_schema);
  EXPECT_EQ(schema["properties"].size(), 5u);
  EXPECT_EQ(schema["additionalProperties"], false);
}

TEST(LengthPluginTest, CharsAreCodePointsNotBytes) {
  // "héllo wörld": 11 code points, 13 bytes.
  const std::string text = Output("h\u00e9llo w\u00f6rld");
  Score fits = Plugin().Judge("plugin: length\nparams: {max_chars: 11}\n", text);
  EXPECT_EQ(fits.value, 1.0);
  EXPECT_EQ(fits.reason, "11 chars: within bounds");
  Score over = Plugin().Judge("plugin: length\nparams: {max_chars: 10}\n", text);
  EXPECT_EQ(over.value, 0.0);
  EXPECT_EQ(over.reason, "11 chars > max 10");
  Score under = Plugin().Judge("plugin: length\nparams: {min_chars: 12}\n", text);
  EXPECT_EQ(under.value, 0.0);
  EXPECT_EQ(under.reason, "11 chars < min 12");
  // A 4-byte emoji is one character.
  EXPECT_EQ(Plugin().Judge("plugin: length\nparams: {max_chars: 1}\n", Output("\U0001F600")).value,
            1.0);
}

TEST(LengthPluginTest, WordsAreRunsOfNonWhitespace) {
  // Five words split by spaces, a tab, a newline run, a no-break space and an em space.
  const std::string text = Output("  one two\\tthree\\n\\n four\u00a0five\u2003  ");
  Score fits = Plugin().Judge("plugin: length\nparams: {min_words: 5, max_words: 5}\n", text);
  EXPECT_EQ(fits.value, 1.0);
  EXPECT_THAT(fits.reason, HasSubstr("5 words"));
  EXPECT_EQ(Plugin().Judge("plugin: length\nparams: {max_words: 4}\n", text).reason,
            "5 words > max 4");
  EXPECT_EQ(Plugin().Judge("plugin: length\nparams: {min_words: 6}\n", text).reason,
            "5 words < min 6");
  EXPECT_EQ(Plugin().Judge("plugin: length\nparams: {min_words: 1}\n", Output("")).reason,
            "0 words < min 1");
}

TEST(LengthPluginTest, TokensAreCeilOfCodePointsOverFour) {
  // 9 code points -> ceil(9 / 4) = 3 estimated tokens.
  const std::string text = Output("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9");
  EXPECT_EQ(Plugin().Judge("plugin: length\nparams: {max_tokens: 3}\n", text).reason,
            "9 chars, 3 estimated tokens: within bounds");
  Score over = Plugin().Judge("plugin: length\nparams: {max_tokens: 2}\n", text);
  EXPECT_EQ(over.value, 0.0);
  EXPECT_EQ(over.reason, "3 estimated tokens > max 2");
}

TEST(LengthPluginTest, EveryBrokenBoundIsNamed) {
  Score score = Plugin().Judge(
      "plugin: length\nparams: {max_chars: 5, max_words: 1, max_tokens: 1}\n", Output("two words"));
  EXPECT_EQ(score.value, 0.0);
  EXPECT_EQ(score.reason, "9 chars > max 5; 2 words > max 1; 3 estimated tokens > max 1");
}

TEST(LengthPluginTest, NumberTargetIsMeasuredAsItsJsonText) {
  Score score =
      Plugin().Judge("plugin: length\ntarget: latency_ms\nparams: {max_chars: 3}\n", Output("x"));
  EXPECT_EQ(score.value, 0.0);
  EXPECT_EQ(score.reason, "4 chars > max 3");
}

TEST(LengthPluginTest, MissingTargetIsAnError) {
  auto evaluator = Plugin().Create("plugin: length\ntarget: answer\nparams: {max_chars: 3}\n");
  ASSERT_TRUE(evaluator.ok());
  ParsedTrace trace(Output("x"));
  Result<Score> score = (*evaluator)->Evaluate(trace, EvalContext{});
  ASSERT_FALSE(score.ok());
  EXPECT_EQ(score.status().message(), "target path 'answer' is missing from the trace");
}

TEST(LengthPluginTest, ConfigErrors) {
  auto none = Plugin().Create("plugin: length\nparams: {}\n");
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("test.yaml:2:9: length needs at least one of"));
  auto absent = Plugin().Create("plugin: length\n");
  ASSERT_FALSE(absent.ok());
  EXPECT_THAT(absent.status().message(), HasSubstr("length needs at least one of"));

  auto unknown = Plugin().Create("plugin: length\nparams: {max_chars: 5, max_char: 4}\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("test.yaml:2:24: unknown param 'max_char' for plugin 'length'"));

  auto negative = Plugin().Create("plugin: length\nparams: {max_words: -1}\n");
  ASSERT_FALSE(negative.ok());
  EXPECT_THAT(negative.status().message(),
              HasSubstr("test.yaml:2:21: param 'max_words' must be >= 0"));

  auto fraction = Plugin().Create("plugin: length\nparams: {max_chars: 1.5}\n");
  ASSERT_FALSE(fraction.ok());
  EXPECT_THAT(fraction.status().message(), HasSubstr("param 'max_chars' must be an integer"));

  auto inverted = Plugin().Create("plugin: length\nparams:\n  min_chars: 10\n  max_chars: 5\n");
  ASSERT_FALSE(inverted.ok());
  EXPECT_THAT(inverted.status().message(),
              HasSubstr("test.yaml:3:14: min_chars 10 > max_chars 5: no text can pass"));
}

}  // namespace
}  // namespace arbiter
