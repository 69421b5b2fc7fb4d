#include "runner/stats.h"

#include <algorithm>
#include <cmath>

namespace arbiter {

std::pair<double, double> WilsonInterval(double successes, double n, double z) {
  if (n <= 0) return {0.0, 1.0};
  double p = successes / n;
  double z2 = z * z;
  double denominator = 1 + z2 / n;
  double center = (p + z2 / (2 * n)) / denominator;
  double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

double RoundTo(double value, int digits) {
  double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

}  // namespace arbiter
