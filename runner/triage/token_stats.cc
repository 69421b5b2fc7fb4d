#include "runner/triage/token_stats.h"

#include <algorithm>
#include <cmath>

namespace arbiter {
namespace {

// Median of sorted values.
double SortedMedian(const std::vector<double>& sorted) {
  size_t n = sorted.size();
  return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

// The exact median, in linear time; reorders `values`. REQUIRES: !values.empty().
double Median(std::vector<double>& values) {
  size_t n = values.size();
  auto middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (n % 2) return *middle;
  return (*std::max_element(values.begin(), middle) + *middle) / 2;
}

struct Weighted {
  double value = 0;
  uint64_t weight = 0;
};

// The value holding rank `rank` (1-based) of `items` sorted by value: the first whose
// cumulative weight reaches it. REQUIRES: 1 <= rank <= the total weight.
double AtRank(const std::vector<Weighted>& items, uint64_t rank) {
  uint64_t cumulative = 0;
  for (const Weighted& item : items) {
    cumulative += item.weight;
    if (cumulative >= rank) return item.value;
  }
  return items.back().value;
}

// The median as SortedMedian takes it, the middle of ranks (n + 1) / 2 and n / 2 + 1: with unit
// weights the same figure.
double WeightedMedian(const std::vector<Weighted>& sorted, uint64_t n) {
  return n % 2 ? AtRank(sorted, (n + 1) / 2)
               : (AtRank(sorted, n / 2) + AtRank(sorted, n / 2 + 1)) / 2;
}

}  // namespace

TokenStats ExactTokenStats(const std::vector<double>& sorted, std::vector<double>& scratch) {
  TokenStats s;
  s.n = sorted.size();
  s.median = SortedMedian(sorted);
  scratch.clear();
  double sum = 0;
  for (double v : sorted) {
    scratch.push_back(std::fabs(v - s.median));
    sum += scratch.back();
  }
  s.mad = Median(scratch);
  s.mean_ad = sum / static_cast<double>(sorted.size());
  return s;
}

TokenStats SketchTokenStats(const QuantileSketch& sketch) {
  if (sketch.exact()) {
    std::vector<double> sorted(sketch.values().begin(), sketch.values().end()), scratch;
    std::sort(sorted.begin(), sorted.end());
    return ExactTokenStats(sorted, scratch);
  }
  TokenStats s;
  s.n = sketch.count();
  s.estimated = true;
  std::vector<Weighted> items;
  for (const WeightedValue& item : sketch.Items())
    items.push_back({double(item.value), item.weight});
  s.median = WeightedMedian(items, s.n);
  double sum = 0;
  for (Weighted& item : items) {
    item.value = std::fabs(item.value - s.median);
    sum += item.value * static_cast<double>(item.weight);
  }
  std::sort(items.begin(), items.end(), [](const Weighted& a, const Weighted& b) {
    return a.value != b.value ? a.value < b.value : a.weight < b.weight;
  });
  s.mad = WeightedMedian(items, s.n);
  s.mean_ad = sum / static_cast<double>(s.n);
  return s;
}

double QuantileRankError(const std::vector<double>& sorted, double estimate, double q) {
  const double target = q * static_cast<double>(sorted.size());
  const double below = static_cast<double>(
      std::lower_bound(sorted.begin(), sorted.end(), estimate) - sorted.begin());
  const double at_most = static_cast<double>(
      std::upper_bound(sorted.begin(), sorted.end(), estimate) - sorted.begin());
  return std::max({0.0, below - target, target - at_most});
}

std::vector<double> SortedDeviations(const std::vector<double>& values, double center,
                                     double& mean) {
  std::vector<double> deviations;
  double sum = 0;
  for (double v : values) {
    deviations.push_back(std::fabs(v - center));
    sum += deviations.back();
  }
  std::sort(deviations.begin(), deviations.end());
  mean = values.empty() ? 0 : sum / static_cast<double>(values.size());
  return deviations;
}

double SketchCountError(const QuantileSketch& sketch, const std::vector<double>& sorted) {
  const std::vector<WeightedValue> items = sketch.Items();
  uint64_t before = 0;  // the weight of the items below this value
  double worst = 0;
  for (size_t i = 0; i < items.size();) {
    uint64_t at_most = before;
    size_t j = i;
    while (j < items.size() && items[j].value == items[i].value) at_most += items[j++].weight;
    const double y = items[i].value;
    const auto below = std::lower_bound(sorted.begin(), sorted.end(), y) - sorted.begin();
    const auto upto = std::upper_bound(sorted.begin(), sorted.end(), y) - sorted.begin();
    worst = std::max({worst, std::fabs(static_cast<double>(before) - static_cast<double>(below)),
                      std::fabs(static_cast<double>(at_most) - static_cast<double>(upto))});
    before = at_most;
    i = j;
  }
  return worst;
}

}  // namespace arbiter
