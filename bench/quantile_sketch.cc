// The streaming token-spike medians' accuracy and memory (docs/PERFORMANCE.md "Streaming
// token-spike medians"): QuantileSketch over 1,000,000 token counts of several shapes, against
// the exact figures. Prints, per shape, the memory the sketch holds, its own rank error bound, the
// rank errors measured (the worst over every retained value's count, <= and <; the median's; the
// MAD's among the deviations from the estimated median), the mean absolute deviation's relative
// error, and the time per value to feed the sketch and read its figures.
//
//   build/bench/quantile_sketch_bench [N] [CAPACITY]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "runner/triage/quantile_sketch.h"
#include "runner/triage/token_stats.h"

namespace {

using arbiter::QuantileRankError;
using arbiter::QuantileSketch;

struct Shape {
  const char* name;
  std::vector<uint32_t> values;
};

std::vector<Shape> Shapes(size_t n) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<uint32_t> uniform(0, 1000000);
  std::lognormal_distribution<double> lognormal(7, 1.5);
  Shape flat{"uniform", {}}, tail{"lognormal", {}}, tied{"ties (60% one count)", {}};
  for (size_t i = 0; i < n; ++i) {
    flat.values.push_back(uniform(rng));
    tail.values.push_back(static_cast<uint32_t>(std::min(lognormal(rng), 4e9)));
    tied.values.push_back(rng() % 10 < 6 ? 150 : 100 + 10 * (rng() % 8));
  }
  Shape rising{"lognormal sorted", tail.values};
  std::sort(rising.values.begin(), rising.values.end());
  Shape falling{"lognormal reversed", rising.values};
  std::reverse(falling.values.begin(), falling.values.end());
  return {flat, tail, tied, rising, falling};
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const size_t capacity =
      argc > 2 ? std::strtoull(argv[2], nullptr, 10) : QuantileSketch::kDefaultCapacity;
  if (n == 0 || capacity < 2 || capacity % 2) {
    std::fprintf(stderr, "usage: %s [N > 0] [CAPACITY, even, >= 2]\n", argv[0]);
    return 2;
  }
  std::printf("n %zu, capacity %zu\n", n, capacity);
  std::printf("%-20s %9s %7s %7s %7s %7s %9s %s\n", "shape", "memory", "bound", "counts", "median",
              "MAD", "mean AD", "ns/value");
  for (const Shape& shape : Shapes(n)) {
    QuantileSketch sketch(capacity);
    const auto start = std::chrono::steady_clock::now();
    for (uint32_t v : shape.values) sketch.Add(v);
    const arbiter::TokenStats stats = arbiter::SketchTokenStats(sketch);
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    std::vector<double> sorted(shape.values.begin(), shape.values.end());
    std::sort(sorted.begin(), sorted.end());
    double mean_ad = 0;
    const std::vector<double> deviations = arbiter::SortedDeviations(sorted, stats.median, mean_ad);
    std::printf("%-20s %6.1f KiB %7llu %7.0f %7.0f %7.0f %9.2e %8.1f\n", shape.name,
                static_cast<double>(sketch.MemoryBytes()) / 1024,
                static_cast<unsigned long long>(sketch.RankErrorBound()),
                arbiter::SketchCountError(sketch, sorted),
                QuantileRankError(sorted, stats.median, 0.5),
                QuantileRankError(deviations, stats.mad, 0.5),
                mean_ad > 0 ? std::fabs(stats.mean_ad - mean_ad) / mean_ad : 0.0,
                took.count() / static_cast<double>(n));
  }
  return 0;
}
