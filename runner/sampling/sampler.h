// Stratified, failure-oversampled sampling in one streaming pass (SPEC "Sampling policy").
// Every (stratum, failure) cell, and every active focus rule, keeps a bottom-k reservoir: each
// trace gets a priority from a seeded hash of its text and a cell keeps the k lowest. That is a
// uniform sample without replacement of the cell, independent of input order, and memory is
// bounded by the targets rather than by the input. At the end the plan (sample_plan.h) fixes
// each cell's share and each cell keeps its lowest-priority traces up to it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

#include "runner/base/hash.h"
#include "runner/sampling/plan.h"
#include "runner/sampling/policy.h"

namespace arbiter {

struct SampledTrace {
  std::string json;  // the trace as read
  std::string stratum;
  bool failure = false;
  double weight = 0;  // the cell's population / the cell's sample count
  std::string focus;  // the focus rule that took it, or ""
};

// The priority of a trace's text under `seed`: a 64-bit hash, uniform over seeds.
uint64_t SamplePriority(std::string_view json, uint64_t seed);

class StratifiedSampler {
 public:
  // `focus_collected[i]` is what the policy's focus rule i collected in earlier runs (missing
  // entries: 0); a rule that has collected enough takes no trace and its cluster goes to the
  // strata. With `keep_traces` false the sampler only counts (for a plan).
  StratifiedSampler(const SamplePolicy& policy, uint64_t seed,
                    std::vector<uint64_t> focus_collected = {}, bool keep_traces = true);

  const SamplePolicy& policy() const { return policy_; }

  // At most this many strata: memory grows with the strata, so a stratum path with a value per
  // trace (an id, a timestamp) must stop the run rather than hold the whole input.
  static constexpr size_t kMaxStrata = 100000;

  // Offers one trace: `root` its parsed object, `json` its text. An InvalidArgument once the
  // trace would open stratum kMaxStrata + 1.
  Status Offer(simdjson::dom::element root, std::string_view json);

  // The plan for what has been offered so far.
  SamplePlan Plan() const;

  // What a partial sample carries (partial_sample.h): every cell's population and every trace
  // its reservoir holds, not cut to a plan. That is all a merge needs: a priority depends only
  // on the trace and the seed, so the lowest k of the shards' bottom-k reservoirs are the lowest
  // k of the whole input, and populations add. Empties the sampler.
  struct Partial {
    std::vector<StratumCounts> strata;        // sorted by key
    std::vector<uint64_t> focus_populations;  // by active focus rule, in policy order
    std::vector<std::string> candidates;      // focus cells, then strata by key, failures first
  };
  Partial TakePartial();

  // The merge side: AddCounts adds one partial's populations (opening strata as Offer does, with
  // its limit), then OfferCandidate each of its candidates, which goes to the cell Offer would
  // pick but adds nothing to the population. Corruption for a candidate whose stratum has no
  // population, or populations for another number of focus rules.
  Status AddCounts(const std::vector<StratumCounts>& strata,
                   const std::vector<uint64_t>& focus_populations);
  Status OfferCandidate(simdjson::dom::element root, std::string_view json);

  // The sample that plan gives: focus rules in policy order, then strata by key, failures
  // first, each cell by priority. `plan` receives the plan it followed.
  std::vector<SampledTrace> Finish(SamplePlan* plan = nullptr);

 private:
  struct Entry {
    uint64_t priority;
    std::string json;
    std::string stratum;  // kept for focus entries only (a focus cell spans strata)
    bool failure;
    bool operator<(const Entry& o) const { return priority < o.priority; }
  };
  // A cell's population and its bottom-`capacity` reservoir (a max-heap on priority).
  struct Reservoir {
    uint64_t population = 0;
    uint64_t capacity = 0;
    std::vector<Entry> heap;
    // The entries to keep, lowest priority first; empties the reservoir.
    std::vector<Entry> TakeLowest(uint64_t count);
  };
  struct Stratum {
    Reservoir cells[2];  // [0] others, [1] failures
  };
  struct Focus {
    const FocusRule* rule;
    uint64_t remaining;
    Reservoir reservoir;
  };

  // Offer and OfferCandidate: a candidate is kept or not but not counted.
  Status Route(simdjson::dom::element root, std::string_view json, bool candidate);
  Result<Stratum*> Open(const std::string& key);
  void Keep(Reservoir& reservoir, std::string_view json, const std::string* stratum, bool failure,
            bool count);
  uint64_t Capacity(uint64_t wanted) const;

  const SamplePolicy& policy_;
  uint64_t seed_;
  bool keep_traces_;
  std::vector<Focus> focus_;  // active rules only
  // Strata by key; Plan() sorts them, so the hash order never reaches an output.
  std::unordered_map<std::string, Stratum, StringHash, std::equal_to<>> strata_;
  std::string key_;  // the current trace's stratum key, reused across traces
};

}  // namespace arbiter
