#include "runner/stats/stats.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

// Reference values: Newcombe RG (1998), "Two-sided confidence intervals for the single
// proportion: comparison of seven methods", Statistics in Medicine 17:857-872, Table I,
// method 3 (Wilson score interval without continuity correction), printed to 4 decimals.
TEST(WilsonIntervalTest, MatchesNewcombe1998) {
  struct Case {
    double successes, n, low, high;
  } cases[] = {
      {81, 263, 0.2553, 0.3662},
      {15, 148, 0.0624, 0.1605},
      {0, 20, 0.0, 0.1611},
      {1, 29, 0.0061, 0.1718},
  };
  for (const Case& c : cases) {
    auto [low, high] = WilsonInterval(c.successes, c.n);
    EXPECT_NEAR(low, c.low, 5e-5) << c.successes << "/" << c.n;
    EXPECT_NEAR(high, c.high, 5e-5) << c.successes << "/" << c.n;
  }
}

TEST(WilsonIntervalTest, AllSuccessesMirrorsNoSuccesses) {
  auto [low0, high0] = WilsonInterval(0, 20);
  auto [low20, high20] = WilsonInterval(20, 20);
  EXPECT_EQ(low0, 0.0);
  EXPECT_EQ(high20, 1.0);
  EXPECT_NEAR(low20, 1.0 - high0, 1e-12);
}

TEST(WilsonIntervalTest, EmptySampleIsUninformative) {
  auto [low, high] = WilsonInterval(0, 0);
  EXPECT_EQ(low, 0.0);
  EXPECT_EQ(high, 1.0);
}

TEST(RoundToTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(RoundTo(0.12345, 4), 0.1235);
  EXPECT_EQ(RoundTo(0.92, 4), 0.92);
  EXPECT_EQ(RoundTo(1.0, 4), 1.0);
}


// Reference: Fagerland, Lydersen and Laake, "Statistical Analysis of Contingency Tables" (2017),
// chapter 8, the complete-response example (Cavo et al. 2012), as computed by their R package
// contingencytables (Newcombe_square_and_add_CI_paired_2x2, its tests/testthat/test-ch8.R):
// estimate -0.0621, 95% CI -0.1186 to -0.0046.
TEST(NewcombePairedIntervalTest, MatchesContingencyTablesReference) {
  PairedCounts counts{.both = 59, .first_only = 6, .second_only = 16, .neither = 80};
  auto [low, high] = NewcombePairedDifferenceInterval(counts);
  EXPECT_NEAR(low, -0.1186, 5e-5);
  EXPECT_NEAR(high, -0.0046, 5e-5);
}

TEST(NewcombePairedIntervalTest, TighterThanUnpairedWhenRunsAgree) {
  // 500 traces, 455 pass in the first run, 440 in the second: 20 regressed, 5 improved.
  PairedCounts counts{.both = 435, .first_only = 20, .second_only = 5, .neither = 40};
  auto paired = NewcombePairedDifferenceInterval(counts);
  auto unpaired = NewcombeDifferenceInterval(455, 500, 440, 500);
  EXPECT_LT(paired.second - paired.first, unpaired.second - unpaired.first);
  EXPECT_GT(paired.first, 0.0);    // the paired interval excludes no change
  EXPECT_LT(unpaired.first, 0.0);  // the unpaired one does not
}

TEST(NewcombePairedIntervalTest, NoDisagreementStillHasWidth) {
  PairedCounts counts{.both = 90, .first_only = 0, .second_only = 0, .neither = 10};
  auto [low, high] = NewcombePairedDifferenceInterval(counts);
  EXPECT_LT(low, 0.0);
  EXPECT_GT(high, 0.0);
  EXPECT_EQ(NewcombePairedDifferenceInterval(PairedCounts{}), (std::pair<double, double>{-1.0, 1.0}));
}

}  // namespace
}  // namespace arbiter
