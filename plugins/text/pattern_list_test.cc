#include "plugins/text/pattern_list.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

// Patterns without a fixed first byte, so the list pre-screens with an RE2::Set.
const std::vector<std::string> kScanPatterns = {"[0-9]{3}-[0-9]{4}", "[a-z]+@[a-z]+\\.com",
                                                "(?:foo|bar)baz"};

TEST(PatternListTest, ReportsTheFirstPatternThatDoesNotCompile) {
  PatternList list({"fine", "(unclosed", "[also bad"}, {});
  EXPECT_FALSE(list.ok());
  EXPECT_EQ(list.bad_index(), 1);
  EXPECT_EQ(list.error(), "missing ): (unclosed");
}

TEST(PatternListTest, ErrorsSayWhatRe2DoesNotHave) {
  EXPECT_NE(PatternList({"(?<=\\$)[0-9]+"}, {}).error().find("no lookahead or lookbehind"),
            std::string::npos);
  EXPECT_NE(PatternList({"foo(?!bar)"}, {}).error().find("no lookahead or lookbehind"),
            std::string::npos);
  EXPECT_NE(PatternList({"(a)\\1"}, {}).error().find("no backreferences"), std::string::npos);
  EXPECT_NE(PatternList({"(?<year>[0-9]{4})"}, {}).error().find("(?P<name>...)"),
            std::string::npos);
}

TEST(PatternListTest, SetIsUsedOnlyWhenSeveralPatternsNeedAFullScan) {
  EXPECT_TRUE(PatternList(kScanPatterns, {}).uses_set());
  EXPECT_FALSE(PatternList({"refund", "invoice", "[0-9]+"}, {}).uses_set());  // one full scan
  PatternList::Options folded;
  folded.case_insensitive = true;  // folded literals have no fixed first byte
  EXPECT_TRUE(PatternList({"refund", "invoice"}, folded).uses_set());
  PatternList::Options no_set;
  no_set.allow_set = false;
  EXPECT_FALSE(PatternList(kScanPatterns, no_set).uses_set());
}

TEST(PatternListTest, SetAndSequentialAgreeOnTheFirstMatchInDeclarationOrder) {
  PatternList with_set(kScanPatterns, {});
  PatternList::Options no_set;
  no_set.allow_set = false;
  PatternList sequential(kScanPatterns, no_set);
  ASSERT_TRUE(with_set.uses_set());
  for (std::string_view text :
       {"mail bo@ex.com or call 555-0100", "barbaz and bo@ex.com", "nothing here", "", "foobaz"}) {
    PatternList::Match a = with_set.FirstMatch(text);
    PatternList::Match b = sequential.FirstMatch(text);
    EXPECT_EQ(a.index, b.index) << text;
    EXPECT_EQ(a.text, b.text) << text;
  }
  PatternList::Match match = with_set.FirstMatch("mail bo@ex.com or call 555-0100");
  EXPECT_EQ(match.index, 0);
  EXPECT_EQ(match.text, "555-0100");
  EXPECT_EQ(with_set.FirstMatch("barbaz and bo@ex.com").index, 1);
  EXPECT_EQ(with_set.FirstMatch("nothing here").index, -1);
}

TEST(PatternListTest, FirstMissing) {
  PatternList list(kScanPatterns, {});
  EXPECT_EQ(list.FirstMissing("555-0100 bo@ex.com foobaz"), -1);
  EXPECT_EQ(list.FirstMissing("555-0100 foobaz"), 1);
  EXPECT_EQ(list.FirstMissing(""), 0);
}

TEST(PatternListTest, MatchModeNames) {
  EXPECT_EQ(MatchModeFromName("any"), MatchMode::kAny);
  EXPECT_EQ(MatchModeFromName("all"), MatchMode::kAll);
  EXPECT_EQ(MatchModeFromName("none"), MatchMode::kNone);
}

}  // namespace
}  // namespace arbiter
