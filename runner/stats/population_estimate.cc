#include "runner/stats/population_estimate.h"

#include <algorithm>
#include <tuple>

namespace arbiter {

void PopulationCell::Add(double weight, bool was_judged, bool pass) {
  ++n;
  weight_sum.Add(weight);
  if (!was_judged) return;
  ++judged;
  double w2 = weight * weight;
  dw.Add(weight);
  dw2.Add(w2);
  if (pass) {
    dwy.Add(weight);
    dw2y.Add(w2);
  }
}

void PopulationCell::Merge(const PopulationCell& other) {
  n += other.n;
  judged += other.judged;
  weight_sum.Add(other.weight_sum);
  dw.Add(other.dw);
  dwy.Add(other.dwy);
  dw2.Add(other.dw2);
  dw2y.Add(other.dw2y);
}

PopulationCell PopulationCell::Census(uint64_t n, uint64_t judged, uint64_t passes) {
  PopulationCell cell;
  cell.n = n;
  cell.judged = judged;
  cell.weight_sum.Add(static_cast<double>(n));
  cell.dw.Add(static_cast<double>(judged));
  cell.dw2 = cell.dw;
  cell.dwy.Add(static_cast<double>(passes));
  cell.dw2y = cell.dwy;
  return cell;
}

std::optional<PopulationRate> PopulationRateOf(std::span<const PopulationCell> cells, double z) {
  PopulationRate out;
  ExactSum total_sum, passed_sum;
  for (const PopulationCell& cell : cells) {
    total_sum.Add(cell.dw);
    passed_sum.Add(cell.dwy);
    out.judged += cell.judged;
  }
  const double total = total_sum.Value(), passed = passed_sum.Value();
  if (out.judged == 0 || total <= 0) return std::nullopt;
  const double p = std::clamp(passed / total, 0.0, 1.0);
  out.rate = p;

  double variance = 0;
  for (const PopulationCell& cell : cells) {
    const double weight_sum = cell.weight_sum.Value();
    if (cell.n == 0 || weight_sum <= 0) continue;
    const double sampled_fraction = std::min(1.0, static_cast<double>(cell.n) / weight_sum);
    if (sampled_fraction >= 1.0) continue;  // the whole cell was taken
    const double sum_u = (cell.dwy.Value() - p * cell.dw.Value()) / total;
    const double sum_u2 =
        ((1 - 2 * p) * cell.dw2y.Value() + p * p * cell.dw2.Value()) / (total * total);
    const double n = static_cast<double>(cell.n);
    double term = 0;
    if (cell.n == 1) {
      term = sum_u2;  // lonely cell: deviation from the overall mean of u, which is 0
    } else {
      // max(): the expanded form can round a zero spread to a tiny negative number.
      term = n / (n - 1) * std::max(0.0, sum_u2 - sum_u * sum_u / n);
    }
    variance += (1 - sampled_fraction) * term;
  }
  out.variance = variance;

  const double judged = static_cast<double>(out.judged);
  out.effective_n = judged;
  if (variance > 0 && p > 0 && p < 1) out.effective_n = std::min(judged, p * (1 - p) / variance);
  std::tie(out.low, out.high) = WilsonInterval(p * out.effective_n, out.effective_n, z);
  return out;
}

}  // namespace arbiter
