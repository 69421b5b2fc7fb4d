#include "runner/sampling/sampler.h"

#include <algorithm>

#include "runner/base/hash.h"

namespace arbiter {

uint64_t SamplePriority(std::string_view json, uint64_t seed) { return Hash64(json, seed); }

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
                             const std::string* stratum, bool failure, bool count) {
  if (count) ++reservoir.population;
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

Result<StratifiedSampler::Stratum*> StratifiedSampler::Open(const std::string& key) {
  auto it = strata_.find(std::string_view(key));
  if (it != strata_.end()) return &it->second;
  if (strata_.size() == kMaxStrata) {
    return Status::InvalidArgument(
        "more than " + std::to_string(kMaxStrata) + " strata (the last: '" + key +
        "'): a stratum path takes a value per trace; use coarser paths or bucket edges");
  }
  it = strata_.try_emplace(key).first;
  uint64_t capacity = Capacity(policy_.TargetFor(key));
  // Either cell may end up with the whole target (when the other is short), so each keeps
  // that many candidates.
  for (Reservoir& cell : it->second.cells) cell.capacity = capacity;
  return &it->second;
}

Status StratifiedSampler::Route(simdjson::dom::element root, std::string_view json,
                                bool candidate) {
  policy_.StratumOf(root, key_);
  bool failure = policy_.IsFailure(root);
  for (Focus& focus : focus_) {
    if (focus.rule->when.Matches(root)) {
      Keep(focus.reservoir, json, &key_, failure, !candidate);
      return Status::OK();
    }
  }
  if (candidate && strata_.find(std::string_view(key_)) == strata_.end()) {
    return Status::Corruption("a trace of stratum '" + key_ + "' that no population counts");
  }
  ARBITER_ASSIGN_OR_RETURN(Stratum * stratum, Open(key_));
  Keep(stratum->cells[failure ? 1 : 0], json, nullptr, failure, !candidate);
  return Status::OK();
}

Status StratifiedSampler::Offer(simdjson::dom::element root, std::string_view json) {
  return Route(root, json, false);
}

Status StratifiedSampler::OfferCandidate(simdjson::dom::element root, std::string_view json) {
  return Route(root, json, true);
}

Status StratifiedSampler::AddCounts(const std::vector<StratumCounts>& strata,
                                    const std::vector<uint64_t>& focus_populations) {
  if (focus_populations.size() != focus_.size()) {
    return Status::Corruption(std::to_string(focus_populations.size()) + " focus populations for " +
                              std::to_string(focus_.size()) + " active focus rules");
  }
  for (size_t i = 0; i < focus_.size(); ++i) focus_[i].reservoir.population += focus_populations[i];
  for (const StratumCounts& counts : strata) {
    ARBITER_ASSIGN_OR_RETURN(Stratum * stratum, Open(counts.key));
    stratum->cells[0].population += counts.others;
    stratum->cells[1].population += counts.failures;
  }
  return Status::OK();
}

StratifiedSampler::Partial StratifiedSampler::TakePartial() {
  Partial partial;
  auto take = [&](Reservoir& reservoir) {
    for (Entry& entry : reservoir.TakeLowest(reservoir.heap.size())) {
      partial.candidates.push_back(std::move(entry.json));
    }
  };
  for (Focus& focus : focus_) {
    partial.focus_populations.push_back(focus.reservoir.population);
    take(focus.reservoir);
  }
  for (const auto& [key, stratum] : strata_) {
    partial.strata.push_back({key, stratum.cells[1].population, stratum.cells[0].population});
  }
  std::sort(partial.strata.begin(), partial.strata.end(),
            [](const StratumCounts& a, const StratumCounts& b) { return a.key < b.key; });
  for (const StratumCounts& counts : partial.strata) {
    Stratum& stratum = strata_.at(counts.key);
    take(stratum.cells[1]);
    take(stratum.cells[0]);
  }
  strata_.clear();
  focus_.clear();
  return partial;
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
