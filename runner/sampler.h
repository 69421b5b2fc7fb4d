// Stratified, failure-oversampled sampling in one streaming pass (issue 4, SPEC "Sampling
// policy"). Every (stratum, failure) cell keeps a bottom-k reservoir: each trace gets a priority
// from a seeded hash of its text and a cell keeps the `target` lowest. That is a uniform sample
// without replacement of the cell, independent of input order, and memory is bounded by the
// targets rather than by the input. At the end each stratum's target is split between its
// failure and non-failure cells, and each cell keeps its lowest-priority traces up to its share.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "runner/sample_policy.h"

namespace arbiter {

struct SampledTrace {
  std::string json;  // the trace as read
  std::string stratum;
  bool failure = false;
  double weight = 0;  // the cell's population / the cell's sample count
};

// How a stratum's `target` splits between its failure and other traces: failures get
// `multiplier` times their population share, capped by what exists; a cell that cannot fill its
// share hands the rest to the other one. Returns {failures, others}.
std::pair<uint64_t, uint64_t> SplitTarget(uint64_t target, uint64_t failures, uint64_t others,
                                          double multiplier);

// The priority of a trace's text under `seed`: a 64-bit hash, uniform over seeds.
uint64_t SamplePriority(std::string_view json, uint64_t seed);

class StratifiedSampler {
 public:
  StratifiedSampler(const SamplePolicy& policy, uint64_t seed);

  // Offers one trace: `root` its parsed object, `json` its text.
  void Offer(simdjson::dom::element root, std::string_view json);

  // The sample, ordered by stratum, failure cell (failures first) and priority.
  std::vector<SampledTrace> Finish();

  // The stratum key of a trace: the values at the policy's strata paths ("null" when missing),
  // joined with '|'; "all" when the policy has no strata.
  std::string StratumOf(simdjson::dom::element root) const;
  bool IsFailure(simdjson::dom::element root) const;

 private:
  struct Entry {
    uint64_t priority;
    std::string json;
    bool operator<(const Entry& o) const { return priority < o.priority; }
  };
  struct Cell {
    uint64_t population = 0;
    std::vector<Entry> heap;  // max-heap on priority, at most the stratum's target entries
  };
  struct Stratum {
    uint64_t target = 0;
    Cell cells[2];  // [0] others, [1] failures
  };

  const SamplePolicy& policy_;
  uint64_t seed_;
  std::map<std::string, Stratum> strata_;
};

}  // namespace arbiter
