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

}  // namespace
}  // namespace arbiter
