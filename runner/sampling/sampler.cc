#include "runner/sampling/sampler.h"

#include <algorithm>

#include "runner/base/hash.h"

namespace arbiter {

uint64_t SamplePriority(std::string_view json, uint64_t seed) {
  return Hash64(json, seed);
}

StratifiedSampler::StratifiedSampler(const SamplePolicy& policy, uint64_t seed,
                                     std::vector<uint64_t> focus_collected, bool keep_traces)
    : policy_(policy), seed_(seed), keep_traces_(keep_traces) {
  focus_collected.resize(policy.focus.size(), 0);
  for (size_t i = 0; i < policy.focus.size(); ++i) {
    const FocusRule& rule = policy.focus[i];
    if (focus_collected[i] >= rule.collect) continue;  // done: back to the base rate
    uint64_t remaining = rule.collect - focus_collected[i];
    focus_.push_back(Focus{&rule, remaining, Reservoir{0, Capacity(remaining), {}}});
  }
}

uint64_t StratifiedSampler::Capacity(uint64_t wanted) const {
  // No cell can end up with more than the budget, whatever the plan does.
  return policy_.budget ? std::min(wanted, *policy_.budget) : wanted;
}

void StratifiedSampler::Keep(Reservoir& reservoir, std::string_view json,
                             const std::string* stratum, bool failure) {
  ++reservoir.population;
  if (!keep_traces_ || reservoir.capacity == 0) return;
  uint64_t priority = SamplePriority(json, seed_);
  std::vector<Entry>& heap = reservoir.heap;
  if (heap.size() < reservoir.capacity) {
    heap.push_back({priority, std::string(json), stratum ? *stratum : std::string(), failure});
    std::push_heap(heap.begin(), heap.end());
  } else if (priority < heap.front().priority) {
    std::pop_heap(heap.begin(), heap.end());
    Entry& slot = heap.back();
    slot.priority = priority;
    // A fresh string, not assign(): a slot reused in place would keep the capacity of the
    // longest trace it ever held, and memory would creep up with the stream's length.
    slot.json = std::string(json);
    if (stratum) slot.stratum.assign(*stratum);
    slot.failure = failure;
    std::push_heap(heap.begin(), heap.end());
  }
}

Status StratifiedSampler::Offer(simdjson::dom::element root, std::string_view json) {
  policy_.StratumOf(root, key_);
  bool failure = policy_.IsFailure(root);
  for (Focus& focus : focus_) {
    if (focus.rule->when.Matches(root)) {
      Keep(focus.reservoir, json, &key_, failure);
      return Status::OK();
    }
  }
  auto it = strata_.find(std::string_view(key_));
  if (it == strata_.end()) {
    if (strata_.size() == kMaxStrata) {
      return Status::InvalidArgument(
          "more than " + std::to_string(kMaxStrata) + " strata (the last: '" + key_ +
          "'): a stratum path takes a value per trace; use coarser paths or bucket edges");
    }
    it = strata_.try_emplace(key_).first;
    uint64_t capacity = Capacity(policy_.TargetFor(key_));
    // Either cell may end up with the whole target (when the other is short), so each keeps
    // that many candidates.
    for (Reservoir& cell : it->second.cells) cell.capacity = capacity;
  }
  Keep(it->second.cells[failure ? 1 : 0], json, nullptr, failure);
  return Status::OK();
}

SamplePlan StratifiedSampler::Plan() const {
  std::vector<StratumCounts> strata;
  strata.reserve(strata_.size());
  for (const auto& [key, stratum] : strata_) {
    strata.push_back({key, stratum.cells[1].population, stratum.cells[0].population});
  }
  std::vector<FocusCounts> focus;
  for (const Focus& rule : focus_) {
    focus.push_back({rule.rule->name, rule.reservoir.population, rule.remaining});
  }
  return MakeSamplePlan(policy_, std::move(strata), focus);
}

std::vector<StratifiedSampler::Entry> StratifiedSampler::Reservoir::TakeLowest(uint64_t count) {
  std::sort_heap(heap.begin(), heap.end());  // ascending priority
  heap.resize(std::min<uint64_t>(count, heap.size()));
  std::vector<Entry> kept = std::move(heap);
  heap.clear();
  return kept;
}

std::vector<SampledTrace> StratifiedSampler::Finish(SamplePlan* plan_out) {
  SamplePlan plan = Plan();
  std::vector<SampledTrace> sample;
  auto emit = [&](Reservoir& reservoir, uint64_t count, const std::string& stratum,
                  const std::string& focus) {
    std::vector<Entry> kept = reservoir.TakeLowest(count);
    if (kept.empty()) return;
    double weight = static_cast<double>(reservoir.population) / static_cast<double>(kept.size());
    for (Entry& entry : kept) {
      sample.push_back({std::move(entry.json), focus.empty() ? stratum : std::move(entry.stratum),
                        entry.failure, weight, focus});
    }
  };
  for (size_t i = 0; i < focus_.size(); ++i) {
    emit(focus_[i].reservoir, plan.focus[i].sample, std::string(), focus_[i].rule->name);
  }
  for (const StratumPlan& planned : plan.strata) {
    Stratum& stratum = strata_.at(planned.key);
    emit(stratum.cells[1], planned.sample_failures, planned.key, std::string());
    emit(stratum.cells[0], planned.sample_others, planned.key, std::string());
  }
  strata_.clear();
  focus_.clear();
  if (plan_out) *plan_out = std::move(plan);
  return sample;
}

}  // namespace arbiter
