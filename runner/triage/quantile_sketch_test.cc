// The quantile sketch against the exact figures: below its capacity the same bits; above it,
// on uniform, lognormal, tied, sorted and reversed values (1,000,000 of each), the estimated
// counts, median and MAD within the rank error bound that the sketch reports, that bound within
// the documented formula, and the same items for the same values in the same order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "runner/triage/quantile_sketch.h"
#include "runner/triage/token_stats.h"

namespace arbiter {
namespace {

constexpr size_t kMillion = 1000000;

std::vector<uint32_t> Uniform(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<uint32_t> draw(0, 1000000);
  std::vector<uint32_t> values(n);
  for (uint32_t& v : values) v = draw(rng);
  return values;
}

// Token counts with a heavy right tail, as real traffic has.
std::vector<uint32_t> Lognormal(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> draw(7, 1.5);
  std::vector<uint32_t> values(n);
  for (uint32_t& v : values) v = static_cast<uint32_t>(std::min(draw(rng), 4e9));
  return values;
}

// 60 % one count, the rest on a handful: MAD 0, the mean absolute deviation decides.
std::vector<uint32_t> Ties(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint32_t> values(n);
  for (uint32_t& v : values) v = rng() % 10 < 6 ? 150 : 100 + 10 * (rng() % 8);
  return values;
}

std::vector<uint32_t> Sorted(size_t n, uint32_t seed) {
  std::vector<uint32_t> values = Lognormal(n, seed);
  std::sort(values.begin(), values.end());
  return values;
}

std::vector<uint32_t> Reversed(size_t n, uint32_t seed) {
  std::vector<uint32_t> values = Sorted(n, seed);
  std::reverse(values.begin(), values.end());
  return values;
}

QuantileSketch Sketch(const std::vector<uint32_t>& values,
                      size_t capacity = QuantileSketch::kDefaultCapacity) {
  QuantileSketch sketch(capacity);
  for (uint32_t v : values) sketch.Add(v);
  return sketch;
}

std::vector<double> SortedDoubles(const std::vector<uint32_t>& values) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

// (n / capacity) * ceil(log2(n / capacity)): the documented bound on RankErrorBound().
double DocumentedBound(size_t n, size_t capacity) {
  double ratio = static_cast<double>(n) / static_cast<double>(capacity);
  return ratio <= 1 ? 0 : ratio * std::ceil(std::log2(ratio));
}

// Every figure of `values` from the sketch against the exact ones, in ranks.
void ExpectWithinBound(const std::vector<uint32_t>& values, size_t capacity) {
  const QuantileSketch sketch = Sketch(values, capacity);
  const std::vector<double> sorted = SortedDoubles(values);
  const double n = static_cast<double>(values.size());
  const double bound = static_cast<double>(sketch.RankErrorBound());
  ASSERT_FALSE(sketch.exact());
  EXPECT_GT(bound, 0);
  EXPECT_LE(bound, DocumentedBound(values.size(), capacity));
  const size_t levels = 1 + static_cast<size_t>(std::ceil(std::log2(n / capacity)));
  EXPECT_LE(sketch.MemoryBytes(), 4 * capacity * levels);

  // The estimated count of values <= y and < y, at every retained value.
  uint64_t total = 0;
  for (const WeightedValue& item : sketch.Items()) total += item.weight;
  ASSERT_EQ(total, values.size());
  EXPECT_LE(SketchCountError(sketch, sorted), bound);

  const TokenStats stats = SketchTokenStats(sketch);
  EXPECT_TRUE(stats.estimated);
  EXPECT_EQ(stats.n, values.size());
  EXPECT_LE(QuantileRankError(sorted, stats.median, 0.5), bound);
  // MAD and mean absolute deviation: about the estimated median.
  double mean_ad = 0;
  const std::vector<double> deviations = SortedDeviations(sorted, stats.median, mean_ad);
  EXPECT_LE(QuantileRankError(deviations, stats.mad, 0.5), 2 * bound);
  const double range = sorted.back() - sorted.front();
  EXPECT_LE(std::fabs(stats.mean_ad - mean_ad), bound * range / n + 1e-9 * mean_ad);
}

TEST(QuantileSketchTest, UpToItsCapacityTheFiguresAreTheExactOnesBitForBit) {
  for (auto make : {Uniform, Lognormal, Ties}) {
    for (size_t n : {size_t{1}, size_t{2}, size_t{3}, size_t{10}, size_t{1023}, size_t{1024}}) {
      const std::vector<uint32_t> values = make(n, static_cast<uint32_t>(n));
      const QuantileSketch sketch = Sketch(values);
      ASSERT_TRUE(sketch.exact());
      EXPECT_EQ(sketch.RankErrorBound(), 0u);
      std::vector<double> scratch;
      const TokenStats exact = ExactTokenStats(SortedDoubles(values), scratch);
      const TokenStats streamed = SketchTokenStats(sketch);
      EXPECT_FALSE(streamed.estimated);
      EXPECT_EQ(streamed.n, exact.n);
      // EXPECT_EQ on doubles: the same bits, not merely close.
      EXPECT_EQ(streamed.median, exact.median) << n;
      EXPECT_EQ(streamed.mad, exact.mad) << n;
      EXPECT_EQ(streamed.mean_ad, exact.mean_ad) << n;
    }
  }
  // One more value and the sketch compacts.
  EXPECT_FALSE(Sketch(Uniform(1025, 1)).exact());
}

TEST(QuantileSketchTest, UniformMillionWithinTheRankErrorBound) {
  ExpectWithinBound(Uniform(kMillion, 1), QuantileSketch::kDefaultCapacity);
}

TEST(QuantileSketchTest, LognormalMillionWithinTheRankErrorBound) {
  ExpectWithinBound(Lognormal(kMillion, 2), QuantileSketch::kDefaultCapacity);
}

TEST(QuantileSketchTest, ManyTiesWithinTheRankErrorBound) {
  const std::vector<uint32_t> values = Ties(kMillion, 3);
  ExpectWithinBound(values, QuantileSketch::kDefaultCapacity);
  // The tie is the median and more than half the values: MAD 0, as the exact figure.
  const TokenStats stats = SketchTokenStats(Sketch(values));
  EXPECT_EQ(stats.median, 150);
  EXPECT_EQ(stats.mad, 0);
  EXPECT_GT(stats.mean_ad, 0);
}

TEST(QuantileSketchTest, SortedAndReversedMillionWithinTheRankErrorBound) {
  ExpectWithinBound(Sorted(kMillion, 4), QuantileSketch::kDefaultCapacity);
  ExpectWithinBound(Reversed(kMillion, 4), QuantileSketch::kDefaultCapacity);
}

TEST(QuantileSketchTest, SmallCapacityStacksManyLevelsWithinTheBound) {
  // 100,000 values in levels of 64: 11 levels compact, each adding n / 64 to the bound at most.
  ExpectWithinBound(Lognormal(100000, 5), 64);
  ExpectWithinBound(Ties(100000, 6), 64);
}

TEST(QuantileSketchTest, TheSameValuesInTheSameOrderGiveTheSameItems) {
  const std::vector<uint32_t> values = Lognormal(200000, 7);
  const QuantileSketch a = Sketch(values), b = Sketch(values);
  const std::vector<WeightedValue> items_a = a.Items(), items_b = b.Items();
  ASSERT_EQ(items_a.size(), items_b.size());
  for (size_t i = 0; i < items_a.size(); ++i) {
    ASSERT_EQ(items_a[i].value, items_b[i].value);
    ASSERT_EQ(items_a[i].weight, items_b[i].weight);
  }
  const TokenStats stats_a = SketchTokenStats(a), stats_b = SketchTokenStats(b);
  EXPECT_EQ(stats_a.median, stats_b.median);
  EXPECT_EQ(stats_a.mad, stats_b.mad);
  EXPECT_EQ(stats_a.mean_ad, stats_b.mean_ad);
}

TEST(QuantileSketchTest, QuantileRankErrorCountsTiesAsEitherRank) {
  const std::vector<double> sorted = {1, 2, 2, 2, 3, 4};
  EXPECT_EQ(QuantileRankError(sorted, 2, 0.5), 0);  // ranks 2..4 hold 2; target 3
  EXPECT_EQ(QuantileRankError(sorted, 3, 0.5), 1);  // 4 values below 3
  EXPECT_EQ(QuantileRankError(sorted, 1, 0.5), 2);  // only 1 value <= 1
  EXPECT_EQ(QuantileRankError(sorted, 2.5, 0.5), 1);
}

}  // namespace
}  // namespace arbiter
