#include "runner/sampler.h"

#include <algorithm>
#include <cmath>

#include "runner/json_util.h"

namespace arbiter {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Fnv1a64(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::pair<uint64_t, uint64_t> SplitTarget(uint64_t target, uint64_t failures, uint64_t others,
                                          double multiplier) {
  if (failures + others <= target) return {failures, others};
  double weighted_failures = multiplier * static_cast<double>(failures);
  double share = weighted_failures / (weighted_failures + static_cast<double>(others));
  uint64_t for_failures =
      std::min<uint64_t>(failures, std::llround(share * static_cast<double>(target)));
  uint64_t for_others = std::min(others, target - for_failures);
  for_failures = std::min(failures, target - for_others);  // others could not fill their share
  return {for_failures, for_others};
}

uint64_t SamplePriority(std::string_view json, uint64_t seed) {
  return SplitMix64(Fnv1a64(json) ^ SplitMix64(seed));
}

StratifiedSampler::StratifiedSampler(const SamplePolicy& policy, uint64_t seed)
    : policy_(policy), seed_(seed) {}

std::string StratifiedSampler::StratumOf(simdjson::dom::element root) const {
  if (policy_.strata.empty()) return "all";
  std::string key;
  for (size_t i = 0; i < policy_.strata.size(); ++i) {
    if (i > 0) key += '|';
    auto value = policy_.strata[i].Lookup(root);
    key += value && !value->is_null() ? ElementText(*value) : "null";
  }
  return key;
}

bool StratifiedSampler::IsFailure(simdjson::dom::element root) const {
  for (const Condition& condition : policy_.failure_any) {
    if (condition.Matches(root)) return true;
  }
  return false;
}

void StratifiedSampler::Offer(simdjson::dom::element root, std::string_view json) {
  std::string key = StratumOf(root);
  auto [it, inserted] = strata_.try_emplace(key);
  Stratum& stratum = it->second;
  if (inserted) stratum.target = policy_.TargetFor(key);
  Cell& cell = stratum.cells[IsFailure(root) ? 1 : 0];
  ++cell.population;
  // Either cell may end up with the whole target (when the other is short), so each keeps that
  // many candidates.
  if (stratum.target == 0) return;
  uint64_t priority = SamplePriority(json, seed_);
  if (cell.heap.size() < stratum.target) {
    cell.heap.push_back({priority, std::string(json)});
    std::push_heap(cell.heap.begin(), cell.heap.end());
  } else if (priority < cell.heap.front().priority) {
    std::pop_heap(cell.heap.begin(), cell.heap.end());
    cell.heap.back() = {priority, std::string(json)};
    std::push_heap(cell.heap.begin(), cell.heap.end());
  }
}

std::vector<SampledTrace> StratifiedSampler::Finish() {
  std::vector<SampledTrace> sample;
  for (auto& [key, stratum] : strata_) {
    auto [for_failures, for_others] =
        SplitTarget(stratum.target, stratum.cells[1].population, stratum.cells[0].population,
                    policy_.failure_multiplier);
    for (int failure : {1, 0}) {
      Cell& cell = stratum.cells[failure];
      uint64_t keep = failure ? for_failures : for_others;
      std::sort_heap(cell.heap.begin(), cell.heap.end());  // ascending priority
      cell.heap.resize(std::min<uint64_t>(keep, cell.heap.size()));
      if (cell.heap.empty()) continue;
      double weight = static_cast<double>(cell.population) / static_cast<double>(cell.heap.size());
      for (Entry& entry : cell.heap) {
        sample.push_back({std::move(entry.json), key, failure == 1, weight});
      }
      cell.heap.clear();
    }
  }
  strata_.clear();
  return sample;
}

}  // namespace arbiter
