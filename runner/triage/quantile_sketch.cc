#include "runner/triage/quantile_sketch.h"

#include <algorithm>

namespace arbiter {

const std::vector<uint32_t> QuantileSketch::kNone;

void QuantileSketch::Add(uint32_t value) {
  if (levels_.empty()) {
    levels_.emplace_back();
    odd_.push_back(0);
  }
  // Compacting before the value goes in, not once the level fills: a group of exactly
  // `capacity` values stays exact.
  if (levels_[0].size() == capacity_) Compact(0);
  levels_[0].push_back(value);
  ++count_;
}

void QuantileSketch::Compact(size_t h) {
  if (levels_.size() == h + 1) {
    levels_.emplace_back().reserve(capacity_);
    odd_.push_back(0);
  }
  // Levels above 0 fill by half a capacity at a time: a full one makes room first.
  if (levels_[h + 1].size() + capacity_ / 2 > capacity_) Compact(h + 1);
  std::vector<uint32_t>& level = levels_[h];
  std::sort(level.begin(), level.end());
  std::vector<uint32_t>& up = levels_[h + 1];
  for (size_t i = odd_[h]; i < level.size(); i += 2) up.push_back(level[i]);
  odd_[h] ^= 1;
  level.clear();
  rank_error_bound_ += uint64_t{1} << h;
}

std::vector<WeightedValue> QuantileSketch::Items() const {
  std::vector<WeightedValue> items;
  for (size_t h = 0; h < levels_.size(); ++h) {
    for (uint32_t value : levels_[h]) items.push_back({value, uint64_t{1} << h});
  }
  std::sort(items.begin(), items.end(), [](const WeightedValue& a, const WeightedValue& b) {
    return a.value != b.value ? a.value < b.value : a.weight < b.weight;
  });
  return items;
}

size_t QuantileSketch::MemoryBytes() const {
  size_t bytes = 0;
  for (const auto& level : levels_) bytes += level.capacity() * sizeof(uint32_t);
  return bytes;
}

}  // namespace arbiter
