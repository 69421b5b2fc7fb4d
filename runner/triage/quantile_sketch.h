// A deterministic quantile sketch of token counts in bounded memory, for the token-spike medians
// of `arbiter serve`'s windows (TriageGroupStats::kStreaming).
//
// A hierarchy of compactors (Manku, Rajagopalan & Lindsay 1998; Karnin, Lang & Liberty 2016
// without the coin): level h holds at most `capacity` values, each standing for 2^h of the
// values added. A full level is sorted and every other value moves up a level with twice the
// weight; which half (even or odd positions) alternates per level instead of being drawn, so the
// same values in the same order always leave the same items (serve replays its journal after a
// crash and must write the same window).
//
// Error: the estimated count of values <= y (or < y), the sum of the weights of the items <= y,
// is off by at most RankErrorBound() for every y at once: one compaction at level h moves that
// count by at most 2^h (halving a sorted run keeps ceil or floor of half of the values below y),
// and the bound is the sum over the compactions done. Level h compacts at most n / (capacity 2^h)
// times and only while capacity 2^h < n, so the bound is at most
//   (n / capacity) * ceil(log2(n / capacity)),  and 0 while n <= capacity (nothing compacted).
// With the default capacity of 1,024: at most 9,766 ranks (0.98 %) at n = 1,000,000.
//
// Memory: at most 4 * capacity * (1 + ceil(log2(n / capacity))) bytes of values: 4 KiB while
// n <= 1,024, 44 KiB at n = 1,000,000, whatever the order of the values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace arbiter {

struct WeightedValue {
  uint32_t value = 0;
  uint64_t weight = 0;
};

class QuantileSketch {
 public:
  static constexpr size_t kDefaultCapacity = 1024;

  // REQUIRES: `capacity` even and at least 2.
  explicit QuantileSketch(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  void Add(uint32_t value);

  uint64_t count() const { return count_; }
  // True while nothing was compacted: values() holds every value added, in order.
  bool exact() const { return levels_.size() <= 1; }
  const std::vector<uint32_t>& values() const { return levels_.empty() ? kNone : levels_[0]; }
  // The most that the weight of the items <= y (or < y) differs from the count of values <= y
  // (or < y), for any y: the sum of 2^h over the compactions done at each level h.
  uint64_t RankErrorBound() const { return rank_error_bound_; }
  // Every item with its weight (2^level), sorted by value, then weight. The weights sum to
  // count().
  std::vector<WeightedValue> Items() const;
  // Bytes the levels reserve.
  size_t MemoryBytes() const;

 private:
  // Halves full level `h` into level h + 1, compacting that one first when it is full.
  void Compact(size_t h);

  static const std::vector<uint32_t> kNone;
  size_t capacity_;
  std::vector<std::vector<uint32_t>> levels_;
  std::vector<uint8_t> odd_;  // per level: keep the odd positions at its next compaction
  uint64_t count_ = 0;
  uint64_t rank_error_bound_ = 0;
};

}  // namespace arbiter
