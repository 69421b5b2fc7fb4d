// The JSON writer used for every score row: escapes, UTF-8 kept as is, invalid bytes replaced.
#include <string>

#include <gtest/gtest.h>

#include "runner/base/json_util.h"

namespace arbiter {
namespace {

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

TEST(AppendJsonStringTest, PlainTextIsCopied) {
  EXPECT_EQ(Quoted(""), "\"\"");
  EXPECT_EQ(Quoted("cites [doc7]; 3 documents retrieved"),
            "\"cites [doc7]; 3 documents retrieved\"");
}

TEST(AppendJsonStringTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Quoted("say \"hi\"\\now"), "\"say \\\"hi\\\"\\\\now\"");
  EXPECT_EQ(Quoted("a\nb\rc\td\be\ff"), "\"a\\nb\\rc\\td\\be\\ff\"");
  EXPECT_EQ(Quoted(std::string("x\x01y\x1fz", 5)), "\"x\\u0001y\\u001fz\"");
  EXPECT_EQ(Quoted(std::string(1, '\0')), "\"\\u0000\"");
}

TEST(AppendJsonStringTest, KeepsValidUtf8Verbatim) {
  // 2-, 3- and 4-byte sequences, next to characters that need escaping.
  EXPECT_EQ(Quoted("Grüße \"€\" 😀\n"), "\"Grüße \\\"€\\\" 😀\\n\"");
}

TEST(AppendJsonStringTest, ReplacesInvalidUtf8WithReplacementCharacter) {
  EXPECT_EQ(Quoted("a\xff"
                   "b"),
            "\"a\xEF\xBF\xBD"
            "b\"");
  // A truncated 3-byte sequence at the end, and an overlong encoding of '/'.
  EXPECT_EQ(Quoted("x\xE2\x82"), "\"x\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_EQ(Quoted("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

// Plain text is skipped a word (8 bytes) at a time: every byte that needs a look must be found
// wherever it sits in or across words.
TEST(AppendJsonStringTest, FindsSpecialBytesAtEveryOffset) {
  for (char special : {'"', '\\', '\n', '\x01', '\x7f'}) {
    for (size_t at = 0; at < 24; ++at) {
      std::string text(24, 'a');
      text[at] = special;
      std::string expected = "\"" + text.substr(0, at);
      switch (special) {
        case '"':
          expected += "\\\"";
          break;
        case '\\':
          expected += "\\\\";
          break;
        case '\n':
          expected += "\\n";
          break;
        case '\x01':
          expected += "\\u0001";
          break;
        default:
          expected += special;  // DEL needs no escape in JSON
      }
      expected += text.substr(at + 1) + "\"";
      EXPECT_EQ(Quoted(text), expected) << "byte " << int(special) << " at " << at;
    }
  }
  std::string long_utf8 = "abcdefgh\xC3\xA9ijklmnop\xFFqrstuvwx";
  EXPECT_EQ(Quoted(long_utf8), "\"abcdefgh\xC3\xA9ijklmnop\xEF\xBF\xBDqrstuvwx\"");
}

TEST(AppendJsonStringTest, AppendsToWhatIsThere) {
  std::string out = "{\"k\": ";
  AppendJsonString(out, "v");
  EXPECT_EQ(out, "{\"k\": \"v\"");
}

}  // namespace
}  // namespace arbiter
