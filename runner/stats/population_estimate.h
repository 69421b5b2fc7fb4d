// The population pass rate of an evaluator over a stratified, failure-oversampled sample (SPEC
// "scorecard.json": population_pass_rate): each sampled trace carries its inclusion weight w
// (its cell's population / its cell's sample count), and a cell, (stratum, failure, focus), is
// a simple random sample without replacement of its part of the population. Oversampling
// failures makes the plain pass rate of the sample too low; weighting each trace by w undoes it.
//
// Estimator (Hajek, a ratio of weighted sums) over the domain of the traces the evaluator
// judged, d = 1 (errors and `when`-skipped traces have d = 0 but still count in their cell's
// sample size n_h, as domain estimation requires):
//   p = sum d w y / sum d w                               y = 1 for a pass
// Variance: the Taylor linearization of the ratio for a stratified design, the cells as strata:
//   u_i = d_i w_i (y_i - p) / D,  D = sum d w
//   V = sum_h (1 - f_h) n_h / (n_h - 1) sum_{i in h} (u_i - mean_h u)^2,   f_h = n_h / sum_h w
// (f_h = 1/w for the sampler's constant weights: a cell taken whole adds no variance). The inner
// sum is expanded as sum u^2 - (sum u)^2 / n_h, and sum u, sum u^2 as functions of p, so a cell
// keeps six numbers whatever its size:
//   sum_h u   = (sum dwy - p sum dw) / D
//   sum_h u^2 = ((1 - 2p) sum d w^2 y + p^2 sum d w^2) / D^2          (d^2 = d, y^2 = y)
//
// Choices (see PopulationRateOf):
// - A cell with one sampled trace and w > 1 has no within-cell variance estimate. Its term is
//   taken around the overall mean of u (which is 0 by construction) instead of its own, without
//   the n/(n-1) factor: (1 - f_h) u_i^2. That is the "adjust" rule of R's survey package
//   (lonely.psu); it is conservative, and dropping the term instead would claim the cell's
//   trace is its whole cell.
// - The interval is Wilson's at the effective sample size n_eff = p(1-p)/V (Korn and Graubard
//   1998 use the same effective size for survey intervals), not Wald's p +- z sqrt(V): failure
//   slices sit near 0 and 1, where Wald's interval collapses onto p and leaves [0, 1], while
//   Wilson's keeps its width and stays inside. n_eff is capped at the number of judged traces
//   n_d (the design never counts as more informative than a simple random sample of that size)
//   and is n_d when V = 0 (p in {0, 1}, or y constant within every cell): a few sampled traces
//   that all agree are no proof that their whole cells do, and the plain Wilson interval of the
//   scorecard's pass_rate_ci95 is what such a sample supports.
//   On the three populations of runner/stats/population_coverage_test.cc (rates 0.80, 0.99, 0.02;
//   1000 seeds each, ~320 traces a sample) this interval covered 98.1%, 98.2% and 98.0%; the
//   uncapped one 94.0%, 93.8%, 90.5%; Wald's 93.9%, 86.1%, 85.1%. With 15 traces a stratum:
//   99.2%, 97.8%, 97.3% against 88.5%, 90.3%, 85.6% uncapped. The cap costs about 15% width
//   where the stratification helps (the cells separate passes from failures), and buys
//   coverage where the variance estimate is least reliable: small cells, rates near 0 or 1.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "runner/base/exact_sum.h"
#include "runner/stats/stats.h"

namespace arbiter {

// One evaluator's sums over the sampled traces of one cell. Constant size. The weighted sums are
// exact (ExactSum), so cells filled in any order, or filled by shards and added (Merge), give the
// same figures to the last bit.
struct PopulationCell {
  uint64_t n = 0;       // sampled traces in the cell, judged or not (n_h)
  uint64_t judged = 0;  // of them, judged by the evaluator (sum d)
  ExactSum weight_sum;  // sum w: the cell's population
  ExactSum dw;          // sum d w
  ExactSum dwy;         // sum d w y
  ExactSum dw2;         // sum d w^2
  ExactSum dw2y;        // sum d w^2 y

  // A sampled trace of this cell with inclusion weight `weight` (>= 1); `judged` and `pass` are
  // the evaluator's outcome (pass is ignored when not judged).
  void Add(double weight, bool judged, bool pass);
  // The sums of another part of the same cell (a shard's).
  void Merge(const PopulationCell& other);

  // A cell of `n` traces that stands for itself (weight 1: taken whole), of which `judged` were
  // judged and `passes` passed. The host's cell for traces without `_sample`.
  static PopulationCell Census(uint64_t n, uint64_t judged, uint64_t passes);
};

struct PopulationRate {
  double rate = 0;         // Hajek p
  double variance = 0;     // linearized V
  double effective_n = 0;  // n_eff, the Wilson interval's sample size
  uint64_t judged = 0;     // n_d: traces judged, over all cells
  double low = 0;          // the interval
  double high = 1;
};

// The population pass rate over `cells`; nullopt when no trace was judged.
std::optional<PopulationRate> PopulationRateOf(std::span<const PopulationCell> cells,
                                               double z = kZ95);

}  // namespace arbiter
