#include "runner/stats/agreement.h"

#include <cmath>
#include <map>

namespace arbiter {

double Mcc(const ConfusionMatrix& m) {
  double tp = m.tp, fp = m.fp, tn = m.tn, fn = m.fn;
  double product = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
  if (product == 0) return 0.0;
  return (tp * tn - fp * fn) / std::sqrt(product);
}

double CohenKappa(const ConfusionMatrix& m) {
  double n = static_cast<double>(m.n());
  if (n == 0) return 0.0;
  double observed = (m.tp + m.tn) / n;
  double chance = (static_cast<double>(m.tp + m.fp) * (m.tp + m.fn) +
                   static_cast<double>(m.fn + m.tn) * (m.fp + m.tn)) /
                  (n * n);
  if (chance >= 1.0) return 0.0;
  return (observed - chance) / (1.0 - chance);
}

std::optional<double> CohenKappa(const std::vector<std::string>& a,
                                 const std::vector<std::string>& b) {
  if (a.empty() || a.size() != b.size()) return std::nullopt;
  std::map<std::string, double> margin_a, margin_b;
  double agree = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    margin_a[a[i]] += 1;
    margin_b[b[i]] += 1;
    agree += a[i] == b[i];
  }
  double n = static_cast<double>(a.size());
  double chance = 0;
  for (const auto& [category, count] : margin_a) {
    auto other = margin_b.find(category);
    if (other != margin_b.end()) chance += (count / n) * (other->second / n);
  }
  if (chance >= 1.0) return 0.0;
  return (agree / n - chance) / (1.0 - chance);
}

std::optional<double> Precision(const ConfusionMatrix& m) {
  if (m.tp + m.fp == 0) return std::nullopt;
  return static_cast<double>(m.tp) / static_cast<double>(m.tp + m.fp);
}

std::optional<double> Recall(const ConfusionMatrix& m) {
  if (m.tp + m.fn == 0) return std::nullopt;
  return static_cast<double>(m.tp) / static_cast<double>(m.tp + m.fn);
}

std::optional<double> KrippendorffAlphaNominal(const std::vector<std::vector<std::string>>& units) {
  // The coincidence matrix (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
  // every ordered pair of values within a unit adds 1 / (m_u - 1).
  std::map<std::pair<std::string, std::string>, double> coincidence;
  std::map<std::string, double> totals;
  for (const std::vector<std::string>& values : units) {
    if (values.size() < 2) continue;
    double weight = 1.0 / static_cast<double>(values.size() - 1);
    for (size_t i = 0; i < values.size(); ++i) {
      for (size_t j = 0; j < values.size(); ++j) {
        if (i == j) continue;
        coincidence[{values[i], values[j]}] += weight;
        totals[values[i]] += weight;
      }
    }
  }
  double n = 0;
  for (const auto& [value, total] : totals) n += total;
  if (n < 2) return std::nullopt;
  double observed = 0;  // sum of off-diagonal coincidences
  for (const auto& [pair, count] : coincidence) {
    if (pair.first != pair.second) observed += count;
  }
  double expected = 0;  // sum over c != k of n_c * n_k
  for (const auto& [c, nc] : totals) {
    for (const auto& [k, nk] : totals) {
      if (c != k) expected += nc * nk;
    }
  }
  if (expected == 0) return std::nullopt;
  return 1.0 - (n - 1) * observed / expected;
}

}  // namespace arbiter
