#include "runner/stats/stats.h"

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

std::pair<double, double> NewcombeDifferenceInterval(double successes1, double n1,
                                                     double successes2, double n2, double z) {
  double p1 = n1 > 0 ? successes1 / n1 : 0.0;
  double p2 = n2 > 0 ? successes2 / n2 : 0.0;
  auto [l1, u1] = WilsonInterval(successes1, n1, z);
  auto [l2, u2] = WilsonInterval(successes2, n2, z);
  double delta = p1 - p2;
  double low = delta - std::sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
  double high = delta + std::sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
  return {std::max(-1.0, low), std::min(1.0, high)};
}

std::pair<double, double> NewcombePairedDifferenceInterval(const PairedCounts& c, double z) {
  const double n = c.n();
  if (n <= 0) return {-1.0, 1.0};
  const double first = c.both + c.first_only, second = c.both + c.second_only;
  const double p1 = first / n, p2 = second / n;
  auto [l1, u1] = WilsonInterval(first, n, z);
  auto [l2, u2] = WilsonInterval(second, n, z);
  // The correlation of the pair, phi, with Newcombe's correction: a positive cross product is
  // reduced by n/2 (and floored at 0), a negative one kept as it is.
  double phi = 0.0;
  const double margins = first * (n - first) * second * (n - second);
  if (margins > 0) {
    double cross = c.both * c.neither - c.first_only * c.second_only;
    if (cross > n / 2) {
      phi = (cross - n / 2) / std::sqrt(margins);
    } else if (cross < 0) {
      phi = cross / std::sqrt(margins);
    }
  }
  const double delta = p1 - p2;
  const double below1 = p1 - l1, above1 = u1 - p1, below2 = p2 - l2, above2 = u2 - p2;
  double low = delta - std::sqrt(std::max(
                           0.0, below1 * below1 - 2 * phi * below1 * above2 + above2 * above2));
  double high = delta + std::sqrt(std::max(
                            0.0, above1 * above1 - 2 * phi * above1 * below2 + below2 * below2));
  return {std::max(-1.0, low), std::min(1.0, high)};
}

double RoundTo(double value, int digits) {
  double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

}  // namespace arbiter
