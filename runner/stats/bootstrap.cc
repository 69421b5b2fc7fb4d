#include "runner/stats/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "runner/stats/agreement.h"

namespace arbiter {

double Quantile(const std::vector<double>& sorted, double q) {
  double position = q * static_cast<double>(sorted.size() - 1);
  size_t below = static_cast<size_t>(std::floor(position));
  size_t above = std::min(below + 1, sorted.size() - 1);
  double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

std::pair<double, double> BootstrapMccInterval(const std::vector<LabeledDecision>& decisions,
                                               const BootstrapOptions& options) {
  if (decisions.empty() || options.resamples <= 0) return {0.0, 0.0};
  std::mt19937_64 rng(options.seed);
  const uint64_t n = decisions.size();
  std::vector<double> mccs;
  mccs.reserve(options.resamples);
  for (int r = 0; r < options.resamples; ++r) {
    ConfusionMatrix m;
    for (uint64_t i = 0; i < n; ++i) {
      // Modulo bias is below 1e-17 for label-set sizes: irrelevant, and portable.
      const LabeledDecision& d = decisions[rng() % n];
      m.Add(d.human_fail, d.evaluator_fail);
    }
    mccs.push_back(Mcc(m));
  }
  std::sort(mccs.begin(), mccs.end());
  return {Quantile(mccs, 0.025), Quantile(mccs, 0.975)};
}

}  // namespace arbiter
