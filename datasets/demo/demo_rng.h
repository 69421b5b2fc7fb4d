// The demo generator's random source: std::mt19937_64 (whose output sequence the C++ standard
// fixes) with our own mappings to ranges, probabilities and weighted choices. The standard
// distributions (std::uniform_int_distribution, ...) are implementation-defined and differ
// between libstdc++ and libc++, so a seed would not name the same dataset everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <span>

namespace arbiter::demo {

class DemoRng {
 public:
  explicit DemoRng(uint64_t seed) : engine_(seed) {}

  uint64_t Bits() { return engine_(); }

  // Uniform in [0, n), unbiased: rejects the top partial block of 2^64 mod n values.
  // REQUIRES: n > 0.
  uint64_t Below(uint64_t n) {
    const uint64_t reject_below = (0 - n) % n;  // 2^64 mod n
    uint64_t x = engine_();
    while (x < reject_below) x = engine_();
    return x % n;
  }

  // Uniform in [lo, hi], both inclusive. REQUIRES: lo <= hi.
  int Range(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform in [0, 1) with 53 random bits: exact, no rounding that depends on the platform.
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // True with probability p.
  bool Chance(double p) { return Unit() < p; }

  // An index drawn with probability proportional to its weight. REQUIRES: weights non-empty,
  // non-negative, with a positive sum.
  size_t Weighted(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Unit() * total;
    for (size_t i = 0; i + 1 < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

  // One element of an array or container, uniformly. REQUIRES: items non-empty.
  template <typename Container>
  const auto& Pick(const Container& items) {
    return items[Below(std::size(items))];
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace arbiter::demo
