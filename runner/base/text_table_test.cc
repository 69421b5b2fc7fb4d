// TextTable: the same cells as Markdown (escaped for a Markdown viewer) and as plain aligned
// columns for a terminal (no Markdown escapes; control bytes made visible).
#include "runner/base/text_table.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

TextTable Table() {
  TextTable table;
  table.header = {"name", "n"};
  table.right = {false, true};
  table.rows = {{"a|b", "7"}, {"né\x1b[2J", "1234"}, {"short"}};
  return table;
}

TEST(TextTableTest, MarkdownEscapesEveryCell) {
  EXPECT_EQ(Table().Markdown(),
            "| name | n |\n|---|---:|\n| a\\|b | 7 |\n| né\\x1b[2J | 1234 |\n| short |  |\n");
}

TEST(TextTableTest, PlainAlignsColumnsByCodePoint) {
  EXPECT_EQ(Table().Plain(),
            "name          n\n"
            "---------  ----\n"
            "a|b           7\n"
            "né\\x1b[2J  1234\n"
            "short\n");
}

TEST(TextTableTest, PlainCellKeepsTextButNotControlBytes) {
  EXPECT_EQ(PlainCell("a\tb\nc|<d>\x7f"), "a b c|<d>\\x7f");
}

}  // namespace
}  // namespace arbiter
