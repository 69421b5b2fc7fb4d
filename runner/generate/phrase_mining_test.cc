#include "runner/generate/phrase_mining.h"

#include <gtest/gtest.h>

#include "runner/generate/candidate_search.h"

namespace arbiter {
namespace {

TEST(PhraseMiningTest, FoldsCaseAndWhitespaceAndShapesDigits) {
  EXPECT_EQ(FoldedWords("  Sorry,\n\tBUT  no ", false),
            (std::vector<std::string>{"sorry,", "but", "no"}));
  EXPECT_EQ(FoldedWords("see [doc12] and [KB-9917].", true),
            (std::vector<std::string>{"see", "[doc#]", "and", "[kb-#]."}));
}

TEST(PhraseMiningTest, PatternsGeneralizeDigitsAndKeepWordBoundaries) {
  EXPECT_EQ(PhrasePattern("[doc#]"), "\\[doc\\d+\\]");
  EXPECT_EQ(PhrasePattern("allow # days"), "\\ballow\\s+\\d+\\s+days\\b");
}

TEST(PhraseMiningTest, PhrasesHeldBySameTracesCollapseToTheLongest) {
  std::vector<std::string_view> texts = {"we are sorry but no",
                                         "we are sorry but no",
                                         "sorry but no",
                                         "all fine here",
                                         "all fine",
                                         "fine"};
  MiningOptions options;
  options.min_support = 2;
  std::vector<Phrase> phrases = MinePhrases(texts, options);
  bool found = false;
  for (const Phrase& p : phrases) {
    if (p.text == "sorry but no") {
      found = true;
      EXPECT_EQ(p.support, 3u);
    }
    EXPECT_NE(p.text, "sorry") << "'sorry' holds the same traces as 'sorry but no'";
  }
  EXPECT_TRUE(found);
}

TEST(PhraseMiningTest, LogOddsFavorsPhrasesOfFailures) {
  EXPECT_GT(LogOddsZ(9, 10, 0, 10), 2.5);
  EXPECT_LT(LogOddsZ(0, 10, 9, 10), -2.5);
  EXPECT_NEAR(LogOddsZ(5, 10, 5, 10), 0.0, 1e-12);
}

TEST(PhraseMiningTest, FisherOneSidedIsTheHypergeometricTail) {
  EXPECT_NEAR(FisherOneSided(7, 3, 3, 3), 1.0 / 35.0, 1e-12);
  EXPECT_NEAR(FisherOneSided(7, 3, 3, 0), 1.0, 1e-12);
  EXPECT_NEAR(FisherOneSided(7, 3, 3, 2), 13.0 / 35.0, 1e-12);
}

}  // namespace
}  // namespace arbiter
