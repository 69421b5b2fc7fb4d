// nlohmann's exception messages as they reach users: no tag, and a JSONL line's column.
#include <string>

#include <gtest/gtest.h>

#include "runner/base/json_error.h"

namespace arbiter {
namespace {

// The exception nlohmann throws for `text`, in words; fails the test when it parses.
template <typename Format>
std::string ErrorOf(const std::string& text, Format format) {
  try {
    nlohmann::json parsed = nlohmann::json::parse(text);
    ADD_FAILURE() << text << " parsed as " << parsed.dump();
    return "";
  } catch (const nlohmann::json::exception& e) {
    return format(e);
  }
}

TEST(JsonErrorTextTest, DropsTheTagKeepsThePlace) {
  EXPECT_EQ(ErrorOf("{\n  \"a\": 1,}", JsonErrorText),
            "parse error at line 2, column 10: syntax error while parsing object key - "
            "unexpected '}'; expected string literal");
  EXPECT_EQ(ErrorOf("[1e999]", JsonErrorText), "number overflow parsing '1e999'");
}

TEST(NotValidJsonLineTest, ALinesPlaceIsItsColumn) {
  EXPECT_EQ(ErrorOf(R"({"trace_id": "b", broken})", NotValidJsonLine),
            "not valid JSON at column 19: syntax error while parsing object key - invalid literal; "
            "last read: "
            "'\"b\", b'; expected string literal");
  EXPECT_EQ(ErrorOf("[1e999]", NotValidJsonLine),
            "not valid JSON: number overflow parsing '1e999'");
}

// simdjson's verdict on `json`, which must be a refusal.
simdjson::error_code SimdjsonError(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::error_code error = parser.parse(json).get(root);
  EXPECT_TRUE(error) << json;
  return error;
}

TEST(JsonRefusalTest, NamesThePlaceSimdjsonDoesNot) {
  const std::string line = R"({"trace_id": "b", broken})";
  EXPECT_EQ(JsonRefusal("not valid JSON", line, SimdjsonError(line)),
            "not valid JSON at column 19: syntax error while parsing object key - invalid literal; "
            "last read: '\"b\", b'; expected string literal");
  const std::string document = "{\n  \"resourceSpans\": [\n  }\n";
  EXPECT_EQ(
      JsonRefusal("not valid JSON", document, SimdjsonError(document)),
      "not valid JSON at line 3, column 3: syntax error while parsing value - unexpected '}'; "
      "expected '[', '{', or a literal");
  const std::string bad_utf8 = "{\"trace_id\": \"a\xff\"}";
  EXPECT_EQ(JsonRefusal("not valid JSON", bad_utf8, SimdjsonError(bad_utf8)),
            "not valid JSON at column 16: syntax error while parsing value - invalid string: "
            "ill-formed UTF-8 byte; last read: '\"a\uFFFD'");
}

TEST(JsonRefusalTest, WhatOnlySimdjsonRefusesKeepsSimdjsonsWords) {
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  EXPECT_EQ(JsonRefusal("not valid JSON", deep, SimdjsonError(deep)),
            std::string("not valid JSON: ") + simdjson::error_message(simdjson::DEPTH_ERROR));
  const std::string big = "[123456789012345678901234567890]";
  simdjson::error_code big_error = SimdjsonError(big);
  EXPECT_EQ(JsonRefusal("not valid JSON", big, big_error),
            std::string("not valid JSON: ") + simdjson::error_message(big_error));
}

TEST(JsonRefusalTest, AnUnterminatedStringIsNotEchoedWhole) {
  const std::string line = "{\"output\": \"" + std::string(100000, 'a');
  std::string reason = JsonRefusal("not valid JSON", line, SimdjsonError(line));
  EXPECT_TRUE(reason.starts_with("not valid JSON at column 100013: syntax error")) << reason;
  EXPECT_LT(reason.size(), 300u);
  EXPECT_TRUE(reason.ends_with("...")) << reason;
}

}  // namespace
}  // namespace arbiter
