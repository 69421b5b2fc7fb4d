#include "runner/stats/rank_correlation.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace arbiter {

std::vector<double> AverageRanks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (size_t start = 0; start < order.size();) {
    size_t end = start;
    while (end + 1 < order.size() && values[order[end + 1]] == values[order[start]]) ++end;
    double rank = (static_cast<double>(start + end) / 2.0) + 1.0;
    for (size_t i = start; i <= end; ++i) ranks[order[i]] = rank;
    start = end + 1;
  }
  return ranks;
}

std::optional<double> SpearmanRho(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return std::nullopt;
  std::vector<double> rx = AverageRanks(x), ry = AverageRanks(y);
  double n = static_cast<double>(x.size());
  double mean = (n + 1) / 2;  // the mean of average ranks is always (n + 1) / 2
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (sxx == 0 || syy == 0) return std::nullopt;
  return sxy / std::sqrt(sxx * syy);
}

std::optional<double> KendallTauB(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return std::nullopt;
  double concordant_minus_discordant = 0;
  double untied_x = 0, untied_y = 0;  // pairs not tied in x (in y)
  for (size_t i = 0; i < x.size(); ++i) {
    for (size_t j = i + 1; j < x.size(); ++j) {
      double dx = x[i] - x[j], dy = y[i] - y[j];
      if (dx != 0) untied_x += 1;
      if (dy != 0) untied_y += 1;
      if (dx != 0 && dy != 0) concordant_minus_discordant += (dx > 0) == (dy > 0) ? 1 : -1;
    }
  }
  if (untied_x == 0 || untied_y == 0) return std::nullopt;
  return concordant_minus_discordant / std::sqrt(untied_x * untied_y);
}

}  // namespace arbiter
