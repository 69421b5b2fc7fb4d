#include "runner/plugin_api/text_target.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::ParsedTrace;
using testing::SpecFromYaml;

constexpr char kTrace[] =
    R"({"trace_id": "t-1", "output": "final answer", "latency_ms": 1234, "feedback": null,
        "metadata": {"intent": "billing", "tags": ["a", "b"]}, "usage": {"cost": 0.5}})";

TEST(TextTargetTest, DefaultsToOutputAndViewsTheStringWithoutCopying) {
  ParsedTrace trace(kTrace);
  TextTarget target(SpecFromYaml("plugin: contains\n"));
  EXPECT_EQ(target.path().text(), "output");
  std::string scratch;
  Result<std::string_view> text = target.Text(trace, scratch);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "final answer");
  EXPECT_TRUE(scratch.empty());  // the view points into the parsed trace
}

TEST(TextTargetTest, NumbersAndObjectsAreTheirMinifiedJson) {
  ParsedTrace trace(kTrace);
  std::string scratch;
  Result<std::string_view> latency =
      TextTarget(SpecFromYaml("target: latency_ms\n")).Text(trace, scratch);
  ASSERT_TRUE(latency.ok());
  EXPECT_EQ(*latency, "1234");
  EXPECT_EQ(latency->data(), scratch.data());

  Result<std::string_view> cost =
      TextTarget(SpecFromYaml("target: usage.cost\n")).Text(trace, scratch);
  ASSERT_TRUE(cost.ok());
  EXPECT_EQ(*cost, "0.5");

  Result<std::string_view> metadata =
      TextTarget(SpecFromYaml("target: metadata\n")).Text(trace, scratch);
  ASSERT_TRUE(metadata.ok());
  EXPECT_EQ(*metadata, R"({"intent":"billing","tags":["a","b"]})");

  Result<std::string_view> tag =
      TextTarget(SpecFromYaml("target: metadata.tags[1]\n")).Text(trace, scratch);
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(*tag, "b");
}

TEST(TextTargetTest, NullIsEmptyText) {
  ParsedTrace trace(kTrace);
  std::string scratch = "stale";
  Result<std::string_view> text =
      TextTarget(SpecFromYaml("target: feedback\n")).Text(trace, scratch);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "");
}

TEST(TextTargetTest, MissingPathIsAnError) {
  ParsedTrace trace(R"({"trace_id": "t-2", "input": "hi"})");
  std::string scratch;
  Result<std::string_view> output =
      TextTarget(SpecFromYaml("plugin: regex\n")).Text(trace, scratch);
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(output.status().message(), "target path 'output' is missing from the trace");

  Result<std::string_view> intent =
      TextTarget(SpecFromYaml("target: metadata.intent\n")).Text(trace, scratch);
  ASSERT_FALSE(intent.ok());
  EXPECT_EQ(intent.status().message(), "target path 'metadata.intent' is missing from the trace");
}

TEST(WhitespaceLengthTest, AsciiAndUnicodeWhitespace) {
  EXPECT_EQ(WhitespaceLength(" ", 0), 1u);
  EXPECT_EQ(WhitespaceLength("\t", 0), 1u);
  EXPECT_EQ(WhitespaceLength("\r\n", 1), 1u);
  EXPECT_EQ(WhitespaceLength("a", 0), 0u);
  EXPECT_EQ(WhitespaceLength("\xC2\xA0", 0), 2u);      // U+00A0 no-break space
  EXPECT_EQ(WhitespaceLength("\xC2\x85", 0), 2u);      // U+0085 next line
  EXPECT_EQ(WhitespaceLength("\xE2\x80\x83", 0), 3u);  // U+2003 em space
  EXPECT_EQ(WhitespaceLength("\xE2\x80\xAF", 0), 3u);  // U+202F narrow no-break space
  EXPECT_EQ(WhitespaceLength("\xE3\x80\x80", 0), 3u);  // U+3000 ideographic space
  EXPECT_EQ(WhitespaceLength("\xC3\xA9", 0), 0u);      // é
  EXPECT_EQ(WhitespaceLength("\xE2\x80\x8B", 0), 0u);  // U+200B zero width space is not White_Space
  EXPECT_EQ(WhitespaceLength("\xE2\x80", 0), 0u);      // truncated sequence
}

TEST(ExcerptTest, QuotesAndCutsOnCodePoints) {
  EXPECT_EQ(Excerpt("short"), "'short'");
  EXPECT_EQ(Excerpt(std::string(60, 'x')), "'" + std::string(60, 'x') + "'");
  EXPECT_EQ(Excerpt(std::string(61, 'x')), "'" + std::string(60, 'x') + "...'");
  // Three code points of two bytes each, cut after two: never inside a character.
  EXPECT_EQ(Excerpt("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "'\xC3\xA9\xC3\xA9...'");
}

}  // namespace
}  // namespace arbiter
