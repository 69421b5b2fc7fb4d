// `arbiter sample` without the command line: one pass over the inputs through a
// StratifiedSampler, then the sample written as JSON lines with `_sample` added to each trace.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "runner/atomic_file.h"
#include "runner/sample_policy.h"
#include "runner/status.h"

namespace arbiter {

struct SampleSummary {
  uint64_t traces = 0;   // read and offered to the sampler
  uint64_t sampled = 0;  // written
  uint64_t skipped = 0;  // unreadable records, reported as "file:line: reason"
};

Result<SampleSummary> SampleTraces(const std::vector<std::string>& inputs,
                                   const SamplePolicy& policy, uint64_t seed, AtomicFile& out,
                                   std::FILE* diagnostics);

}  // namespace arbiter
