#include "runner/base/exact_sum.h"

#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace arbiter {
namespace {

TEST(ExactSumTest, OrderDoesNotChangeTheSum) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> score(0.0, 1.0);
  std::vector<double> values;
  for (int i = 0; i < 10000; ++i) values.push_back(score(rng));
  values.push_back(1e-300);
  values.push_back(4.9406564584124654e-324);  // the smallest subnormal
  values.push_back(1e300);
  ExactSum forward;
  for (double v : values) forward.Add(v);
  std::shuffle(values.begin(), values.end(), rng);
  ExactSum halves[2];
  for (size_t i = 0; i < values.size(); ++i) halves[i % 2].Add(values[i]);
  halves[1].Add(halves[0]);
  EXPECT_EQ(forward.Text(), halves[1].Text());
  EXPECT_EQ(forward.Value(), halves[1].Value());
}

TEST(ExactSumTest, SumsWhatNaiveAdditionLoses) {
  ExactSum sum;
  sum.Add(1e16);
  for (int i = 0; i < 10; ++i) sum.Add(1.0);
  EXPECT_EQ(sum.Value(), 1e16 + 10);
  ExactSum tenths;
  for (int i = 0; i < 10; ++i) tenths.Add(0.1);
  EXPECT_DOUBLE_EQ(tenths.Value(), 1.0);
}

TEST(ExactSumTest, TextRoundTrips) {
  ExactSum sum;
  EXPECT_EQ(sum.Text(), "0");
  EXPECT_TRUE(sum.IsZero());
  sum.Add(12.5);
  sum.Add(0.3);
  Result<ExactSum> back = ExactSum::Parse(sum.Text());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Text(), sum.Text());
  EXPECT_EQ(back->Value(), sum.Value());
  EXPECT_FALSE(ExactSum::Parse("12@x").ok());
  EXPECT_FALSE(ExactSum::Parse("zzzzzzzz@3").ok());
  EXPECT_FALSE(ExactSum::Parse("00000001@99").ok());
}

}  // namespace
}  // namespace arbiter
