// SetTopLevelField: the field goes last, the rest of the trace keeps its bytes, an earlier field
// of the same name goes (with its comma, wherever it stood).
#include "runner/trace/trace_field.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

std::string Set(std::string_view object, std::string_view value = "{\"n\":1}") {
  Result<std::string> line = SetTopLevelField(object, "_mark", value);
  EXPECT_TRUE(line.ok()) << object << ": " << line.status().message();
  return line.ok() ? *line : "";
}

TEST(TraceFieldTest, AddsTheFieldLastAndKeepsTheTracesBytes) {
  EXPECT_EQ(Set(R"({"trace_id": "t-1", "n": 1.50, "s": "\u00e9"})"),
            R"({"trace_id": "t-1", "n": 1.50, "s": "\u00e9","_mark":{"n":1}})");
  EXPECT_EQ(Set(R"({"a":1})"), R"({"a":1,"_mark":{"n":1}})");
  // Whitespace before the brace stays; after it, it goes (the caller adds the newline).
  EXPECT_EQ(Set("  {\"a\": [1, {\"b\": \"}\"}] }  \r\n"),
            "  {\"a\": [1, {\"b\": \"}\"}] ,\"_mark\":{\"n\":1}}");
  EXPECT_EQ(Set("{}"), R"({"_mark":{"n":1}})");
  EXPECT_EQ(Set("{ }"), R"({ "_mark":{"n":1}})");
  EXPECT_EQ(Set(R"({"a":1})", "null"), R"({"a":1,"_mark":null})");
}

TEST(TraceFieldTest, ReplacesAnEarlierFieldWhereverItStood) {
  EXPECT_EQ(Set(R"({"_mark": {"n": 0}, "a": 1})"), R"({"a": 1,"_mark":{"n":1}})");
  EXPECT_EQ(Set(R"({"a": 1, "_mark": "old", "b": 2})"), R"({"a": 1, "b": 2,"_mark":{"n":1}})");
  EXPECT_EQ(Set(R"({"a": 1, "_mark": "old"})"), R"({"a": 1,"_mark":{"n":1}})");
  EXPECT_EQ(Set(R"({ "_mark": "old" })"), R"({  "_mark":{"n":1}})");
  // Duplicates all go, and an escaped key is the same key.
  EXPECT_EQ(Set(R"({"_mark": 1, "\u005fmark": 2, "a": 3, "_mark": 4, "b": 5, "_mark": 6})"),
            R"({"a": 3, "b": 5,"_mark":{"n":1}})");
  // A nested field of the same name, or a string that spells it, is not the field.
  EXPECT_EQ(Set(R"({"x": {"_mark": 1}, "y": "\"_mark\": 2"})"),
            R"({"x": {"_mark": 1}, "y": "\"_mark\": 2","_mark":{"n":1}})");
  EXPECT_EQ(Set(R"({"_markx": 1, "a\"_mark": 2})"),
            R"({"_markx": 1, "a\"_mark": 2,"_mark":{"n":1}})");
}

TEST(TraceFieldTest, RefusesWhatIsNotOneObject) {
  for (std::string_view text : {"", "[1]", "\"s\"", "{\"a\": 1", "{\"a\" 1}", "{\"a\": 1} {}",
                                "{\"a\": 1,}", "{\"a\": \"unterminated}", "{1: 2}"}) {
    Result<std::string> line = SetTopLevelField(text, "_mark", "1");
    ASSERT_FALSE(line.ok()) << text;
    EXPECT_EQ(line.status().code(), Status::Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace arbiter
