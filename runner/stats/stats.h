// Interval estimates shared by scorecards, sampling and gates.
#pragma once

#include <utility>

namespace arbiter {

// z for a two-sided 95% interval.
inline constexpr double kZ95 = 1.959963984540054;

// Wilson score interval for `successes` out of `n` (Wilson 1927). [0, 1] when n == 0.
// Used instead of the normal approximation because it stays inside [0, 1] and keeps a sane
// width for small strata and rates near 0 or 1, which is where failure slices live.
std::pair<double, double> WilsonInterval(double successes, double n, double z = kZ95);

// Newcombe's hybrid score interval for the difference p1 - p2 of two independent (unpaired)
// proportions, successes1/n1 - successes2/n2 (Newcombe 1998, "Interval estimation for the
// difference between independent proportions", method 10): built from the two Wilson intervals,
// so it inherits their good behaviour at small n and rates near 0 or 1. The gate uses it on two
// runs' pass rates; treating them as unpaired is conservative when the runs share traces.
std::pair<double, double> NewcombeDifferenceInterval(double successes1, double n1,
                                                     double successes2, double n2, double z = kZ95);

// A 2x2 table of paired outcomes: the same traces judged by two runs. `both` passed in both,
// `first_only` passed in the first run only, `second_only` in the second only, `neither` in
// neither.
struct PairedCounts {
  double both = 0, first_only = 0, second_only = 0, neither = 0;
  double n() const { return both + first_only + second_only + neither; }
};

// Newcombe's square-and-add interval for the difference of two paired proportions,
// p1 - p2 = (first_only - second_only) / n (Newcombe 1998, "Improved confidence intervals for
// the difference between binomial proportions based on paired data", method 10). The two
// Wilson intervals are combined with the estimated correlation of the pair, so agreement
// between the runs narrows the interval: it is tighter than the unpaired one on the same counts.
std::pair<double, double> NewcombePairedDifferenceInterval(const PairedCounts& counts,
                                                           double z = kZ95);

// `value` rounded to `digits` decimals, for reports: scorecards are read by people and diffed
// by CI, so they carry no float noise beyond what the data supports.
double RoundTo(double value, int digits);

}  // namespace arbiter
