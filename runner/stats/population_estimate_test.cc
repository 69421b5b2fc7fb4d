// The population pass rate kernel against an independent per-trace computation.
#include "runner/stats/population_estimate.h"

#include <optional>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace arbiter {
namespace {

// One cell: its weight and each sampled trace's outcome (1 pass, 0 fail, -1 not judged).
using CellSpec = std::pair<double, std::vector<int>>;

std::vector<PopulationCell> Cells(const std::vector<CellSpec>& specs) {
  std::vector<PopulationCell> cells;
  for (const auto& [weight, outcomes] : specs) {
    PopulationCell& cell = cells.emplace_back();
    for (int y : outcomes) cell.Add(weight, y >= 0, y == 1);
  }
  return cells;
}

struct Expected {
  double rate, variance, effective_n, low, high;
};

void ExpectEstimate(const std::vector<CellSpec>& specs, const Expected& expected) {
  std::optional<PopulationRate> got = PopulationRateOf(Cells(specs));
  ASSERT_TRUE(got.has_value());
  EXPECT_NEAR(got->rate, expected.rate, 1e-12);
  EXPECT_NEAR(got->variance, expected.variance, 1e-12);
  EXPECT_NEAR(got->effective_n, expected.effective_n, 1e-9);
  EXPECT_NEAR(got->low, expected.low, 1e-12);
  EXPECT_NEAR(got->high, expected.high, 1e-12);
}

// Expected values from this Python 3 script, which works per trace (deviations from each cell's
// mean, no expanded sums), so it checks the kernel's algebra as well as its arithmetic:
//
//   def estimate(cells):  # cells: [(w, [y or None when not judged])]
//       D = sum(w for w, ys in cells for y in ys if y is not None)
//       nd = sum(1 for w, ys in cells for y in ys if y is not None)
//       p = sum(w * y for w, ys in cells for y in ys if y is not None) / D
//       V = 0.0
//       for w, ys in cells:
//           n = len(ys); f = min(1.0, n / (w * n))
//           u = [0.0 if y is None else w * (y - p) / D for y in ys]
//           if n == 1: s = u[0] ** 2
//           else:
//               m = sum(u) / n
//               s = n / (n - 1) * sum((x - m) ** 2 for x in u)
//           V += (1 - f) * s
//       neff = min(nd, p * (1 - p) / V) if V > 0 and 0 < p < 1 else nd
//       den = 1 + Z * Z / neff    # Wilson at (p * neff successes, neff), Z = 1.959963984540054
//       c = (p + Z * Z / (2 * neff)) / den
//       h = Z * math.sqrt(p * (1 - p) / neff + Z * Z / (4 * neff * neff)) / den
//       return p, V, neff, max(0, c - h), min(1, c + h)

TEST(PopulationRateTest, MatchesPerTraceReferenceWithDomainCensusAndLonelyCells) {
  // A cell of 4 at w 10; one at w 2 with a trace not judged (still in its n_h); a census cell
  // (w 1, no variance); a lonely cell (one trace at w 5).
  // estimate([(10, [1, 1, 1, 0]), (2, [0, 1, None]), (1, [1, 0]), (5, [0])])
  ExpectEstimate({{10, {1, 1, 1, 0}}, {2, {0, 1, -1}}, {1, {1, 0}}, {5, {0}}},
                 {0.6470588235294118, 0.038414823151595931, 5.9449369718797627, 0.2844143716902327,
                  0.89425312869934759});
}

TEST(PopulationRateTest, MatchesPerTraceReferenceTwoCells) {
  // estimate([(40, [1, 1, 0, 1, 1]), (8, [0, 0, 1, 0])])
  ExpectEstimate({{40, {1, 1, 0, 1, 1}}, {8, {0, 0, 1, 0}}},
                 {0.72413793103448276, 0.030023781212841848, 6.6534653465346549,
                  0.35951970268948968, 0.92467367178740023});
}

TEST(PopulationRateTest, EffectiveSizeIsCappedAtTheTracesJudged) {
  // Sampling fractions of 80%: the finite-population correction shrinks V until p(1-p)/V =
  // 391 exceeds the 80 traces judged; the interval is then Wilson's on 80 traces.
  // estimate([(1.25, [1] * 38 + [0] * 2), (1.25, [1] * 39 + [0])])
  std::vector<int> first(38, 1), second(39, 1);
  first.insert(first.end(), {0, 0});
  second.push_back(0);
  ExpectEstimate({{1.25, first}, {1.25, second}}, {0.96250000000000002, 9.2147435897435847e-05, 80,
                                                   0.89545279909954889, 0.98716543108008858});
}

TEST(PopulationRateTest, AllFailingKeepsTheWilsonWidthOfTheTracesJudged) {
  // V = 0 at p = 0; a Wald interval would be [0, 0]. Newcombe (1998) Table I: 0/20 gives
  // [0, 0.1611] -- 20 judged traces, whatever their weights.
  std::optional<PopulationRate> got =
      PopulationRateOf(Cells({{30, std::vector<int>(12, 0)}, {7, std::vector<int>(8, 0)}}));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->rate, 0.0);
  EXPECT_EQ(got->variance, 0.0);
  EXPECT_EQ(got->effective_n, 20.0);
  EXPECT_EQ(got->low, 0.0);
  EXPECT_NEAR(got->high, 0.1611, 5e-5);
}

TEST(PopulationRateTest, CensusGivesThePlainWilsonInterval) {
  // Weight 1 everywhere: every cell taken whole, V = 0, the figures are the unweighted ones.
  // Newcombe (1998) Table I: 81/263 gives [0.2553, 0.3662].
  std::vector<PopulationCell> cells = {PopulationCell::Census(200, 180, 60),
                                       PopulationCell::Census(90, 83, 21)};
  std::optional<PopulationRate> got = PopulationRateOf(cells);
  ASSERT_TRUE(got.has_value());
  EXPECT_NEAR(got->rate, 81.0 / 263.0, 1e-15);
  EXPECT_EQ(got->variance, 0.0);
  EXPECT_EQ(got->judged, 263u);
  EXPECT_NEAR(got->low, 0.2553, 5e-5);
  EXPECT_NEAR(got->high, 0.3662, 5e-5);
}

TEST(PopulationRateTest, CensusCellEqualsTracesAddedOneByOne) {
  PopulationCell added;
  for (int i = 0; i < 10; ++i) added.Add(1.0, i < 8, i < 5);
  PopulationCell census = PopulationCell::Census(10, 8, 5);
  EXPECT_EQ(added.n, census.n);
  EXPECT_EQ(added.judged, census.judged);
  EXPECT_EQ(added.weight_sum, census.weight_sum);
  EXPECT_EQ(added.dw, census.dw);
  EXPECT_EQ(added.dwy, census.dwy);
  EXPECT_EQ(added.dw2, census.dw2);
  EXPECT_EQ(added.dw2y, census.dw2y);
}

TEST(PopulationRateTest, WeightsUndoOversampling) {
  // Population: 900 others (90% pass), 100 failures (10% pass): true rate 0.82. Sample 30 of
  // each, exactly proportional inside each cell: the plain rate is 0.5, the weighted 0.82.
  std::vector<int> others(30, 1), failures(30, 0);
  for (int i = 0; i < 3; ++i) others[i] = 0, failures[i] = 1;
  std::optional<PopulationRate> got =
      PopulationRateOf(Cells({{30, others}, {100.0 / 30, failures}}));
  ASSERT_TRUE(got.has_value());
  EXPECT_NEAR(got->rate, 0.82, 1e-12);
  EXPECT_LT(got->low, 0.82);
  EXPECT_GT(got->high, 0.82);
}

TEST(PopulationRateTest, NothingJudgedHasNoEstimate) {
  EXPECT_FALSE(PopulationRateOf(Cells({{4, {-1, -1}}, {2, {-1}}})).has_value());
  EXPECT_FALSE(PopulationRateOf({}).has_value());
}

}  // namespace
}  // namespace arbiter
