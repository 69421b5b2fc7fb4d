#include "plugins/examples/readability/flesch.h"

#include <gtest/gtest.h>

namespace readability {
namespace {

// Expected counts are hand-counted (dictionary syllabification); expected ease values come from
// Flesch's formula, 206.835 - 1.015 * words/sentences - 84.6 * syllables/words, worked by hand.
TEST(FleschTest, CountsWordsSentencesAndSyllables) {
  // the quick brown fox jumps o-ver the la-zy dog (11) / it ran a-way (4).
  TextCounts counts = Count("The quick brown fox jumps over the lazy dog. It ran away.");
  EXPECT_EQ(counts.words, 12);
  EXPECT_EQ(counts.sentences, 2);
  EXPECT_EQ(counts.syllables, 15);
  // 206.835 - 1.015 * 6 - 84.6 * 1.25 = 94.995.
  EXPECT_NEAR(ReadingEase(counts), 94.995, 1e-9);
  EXPECT_NEAR(EaseScore(ReadingEase(counts)), 0.94995, 1e-9);
}

TEST(FleschTest, SilentEAndLeEndings) {
  // es-ti-mate (3), ta-ble (2), whale (1), the (1), he (1), don't (1).
  TextCounts counts = Count("estimate table whale the he don't");
  EXPECT_EQ(counts.words, 6);
  EXPECT_EQ(counts.sentences, 1);  // no final period: still one sentence
  EXPECT_EQ(counts.syllables, 9);
}

TEST(FleschTest, HardTextClampsToZero) {
  // read-a-bil-i-ty (5) for-mu-las (3) es-ti-mate (3) com-pre-hen-sion (4) dif-fi-cul-ty (4):
  // 206.835 - 1.015 * 5 - 84.6 * 19/5 = -119.72, clamped to 0.
  TextCounts counts = Count("Readability formulas estimate comprehension difficulty.");
  EXPECT_EQ(counts.syllables, 19);
  EXPECT_NEAR(ReadingEase(counts), -119.72, 1e-9);
  EXPECT_EQ(EaseScore(ReadingEase(counts)), 0.0);
  EXPECT_EQ(Reason(counts, ReadingEase(counts)),
            "reading ease -119.7 (5 words, 1 sentences, 19 syllables)");
}

TEST(FleschTest, PunctuationRunsEndOneSentence) {
  TextCounts counts = Count("Really?! Yes... ok");
  EXPECT_EQ(counts.words, 3);
  EXPECT_EQ(counts.sentences, 3);
}

}  // namespace
}  // namespace readability
