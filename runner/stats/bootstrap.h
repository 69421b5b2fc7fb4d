// A seeded percentile bootstrap of MCC: the interval calibration reports next to an
// evaluator's MCC, so a role decided on 20 labels shows how little 20 labels can say.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace arbiter {

// One labeled trace: did the humans say fail, did the evaluator fail it.
struct LabeledDecision {
  bool human_fail = false;
  bool evaluator_fail = false;
};

struct BootstrapOptions {
  // Resamples drawn. 2000 keeps the 2.5% and 97.5% percentiles stable to about 0.01.
  int resamples = 2000;
  // The same seed and input give the same interval on every platform (std::mt19937_64's
  // output is fixed by the standard; indices are mapped without standard distributions).
  uint64_t seed = 20261120;
};

// The 95% percentile interval of MCC over resamples (with replacement) of `decisions`.
// [0, 0] for an empty input.
std::pair<double, double> BootstrapMccInterval(const std::vector<LabeledDecision>& decisions,
                                               const BootstrapOptions& options = {});

// The q-quantile (0..1) of sorted values, linearly interpolated (Hyndman and Fan type 7, the
// default of R and NumPy). REQUIRES: `sorted` is non-empty and sorted.
double Quantile(const std::vector<double>& sorted, double q);

}  // namespace arbiter
