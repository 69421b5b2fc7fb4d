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

}  // namespace
}  // namespace arbiter
