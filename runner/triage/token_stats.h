// The figures token_spike judges a trace against: the median, MAD (median absolute deviation)
// and mean absolute deviation of its group's total tokens, exact or from a quantile sketch.
#pragma once

#include <cstdint>
#include <vector>

#include "runner/triage/quantile_sketch.h"

namespace arbiter {

struct TokenStats {
  uint64_t n = 0;
  double median = 0, mad = 0, mean_ad = 0;
  // From a sketch that compacted: median and mad are estimates (SketchTokenStats says how good).
  bool estimated = false;
};

// The exact figures of `sorted` (ascending, not empty). `scratch` holds the deviations.
TokenStats ExactTokenStats(const std::vector<double>& sorted, std::vector<double>& scratch);

// The figures of the values added to `sketch` (count() > 0). While sketch.exact(), the very
// figures of ExactTokenStats, bit for bit. Otherwise, with E = sketch.RankErrorBound(), the
// figures of the sketch's items weighted as the values they stand for:
//   median: a value whose rank among the n values is within E of n / 2 (counted as in
//     QuantileRankError below);
//   mad: the same within 2 E among the deviations |x - median| from that estimated median
//     (a count of deviations up to d is a difference of two counts, each off by E at most);
//   mean_ad: within E (max - min) / n of the mean of |x - median| (the sum of |x - c| is the
//     integral of the counts below c and above it, each off by E at most within [min, max]).
TokenStats SketchTokenStats(const QuantileSketch& sketch);

// How far `estimate` is, in ranks, from being a q-quantile of `sorted` (ascending): 0 when
// #{x < estimate} <= q n <= #{x <= estimate}, else the distance to the nearer end. The measure
// the bounds above are stated in (tests and bench/quantile_sketch.cc).
double QuantileRankError(const std::vector<double>& sorted, double estimate, double q);

// The deviations |x - center| of `values`, ascending, with their mean in `mean`: the exact
// figures a sketch's MAD and mean absolute deviation about its median are held against.
std::vector<double> SortedDeviations(const std::vector<double>& values, double center,
                                     double& mean);

// The largest difference, over every value y the sketch retains, between its estimated count of
// values <= y (and < y) and the true count in `sorted` (the values added, ascending): what
// RankErrorBound() bounds, measured.
double SketchCountError(const QuantileSketch& sketch, const std::vector<double>& sorted);

}  // namespace arbiter
