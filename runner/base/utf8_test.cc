// UTF-8 checks: the position of the first invalid byte, and the error a user reads.
#include "runner/base/utf8.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arbiter {
namespace {

using ::testing::HasSubstr;

TEST(Utf8, ValidTextHasNoInvalidByte) {
  EXPECT_FALSE(FirstInvalidUtf8("").has_value());
  EXPECT_FALSE(FirstInvalidUtf8(std::string_view()).has_value());
  EXPECT_FALSE(FirstInvalidUtf8("id: café\nnote: 日本語 😀\n").has_value());
}

TEST(Utf8, FindsTheFirstInvalidByteByLineAndCharacter) {
  // "é" is two bytes and one character: the column counts characters.
  std::optional<TextPosition> bad = FirstInvalidUtf8("id: e\nné: \xff x\n");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->line, 2u);
  EXPECT_EQ(bad->column, 5u);
  EXPECT_EQ(bad->offset, 11u);
}

TEST(Utf8, RefusesTruncatedOverlongAndSurrogateSequences) {
  for (std::string_view text : {"a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80"}) {
    EXPECT_TRUE(FirstInvalidUtf8(text).has_value()) << text;
  }
}

TEST(Utf8, CheckNamesTheFileThePositionAndTheByte) {
  EXPECT_TRUE(CheckUtf8("plugin: regex\n", "e.yaml").ok());
  Status status = CheckUtf8("id: x\nplugin: r\xe9gex\n", "e.yaml");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("e.yaml:2:10: not UTF-8 (byte 0xE9)"));
}

TEST(Utf8, ValidUtf8ReplacesEachBadByteAsTheJsonWriterDoes) {
  EXPECT_EQ(ValidUtf8("caf\xc3\xa9 ok"), "caf\xc3\xa9 ok");
  EXPECT_EQ(ValidUtf8("r\xe9gle \xc3"), "r\xef\xbf\xbdgle \xef\xbf\xbd");
  EXPECT_EQ(ValidUtf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(ValidUtf8(""), "");
}

}  // namespace
}  // namespace arbiter
