// `arbiter sample` without the command line: one pass over the inputs through a
// StratifiedSampler, then the sample written as JSON lines with `_sample` added to each trace
// (or, for a plan, only the counts).
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/atomic_file.h"
#include "runner/base/status.h"
#include "runner/sampling/plan.h"
#include "runner/sampling/policy.h"
#include "runner/sampling/sampler.h"
#include "runner/source/trace_source.h"

namespace arbiter {

struct SampleOptions {
  uint64_t seed = 1;
  // What each focus rule of the policy collected in earlier runs (focus_state.h), by index.
  std::vector<uint64_t> focus_collected;
  // Empty, or one entry per input: a shard's byte range of it (shard_plan.h) or none (whole).
  std::vector<std::optional<ByteRange>> ranges;
};

struct SampleSummary {
  uint64_t traces = 0;   // read and offered to the sampler
  uint64_t sampled = 0;  // written
  uint64_t skipped = 0;  // unreadable records, reported as "file:line: reason"
  SamplePlan plan;       // what the sample followed
};

// Offers the traces of `inputs` to `sampler`, counting them in `summary`.
Status OfferTraces(const std::vector<std::string>& inputs, const SampleOptions& options,
                   StratifiedSampler& sampler, std::FILE* diagnostics, SampleSummary& summary);

// Writes the sample `sampler` draws, each trace with its `_sample`; fills `summary`'s plan and
// sampled count.
Status WriteSample(StratifiedSampler& sampler, AtomicFile& out, SampleSummary& summary);

// Samples `inputs` into `out`; with `out` null, only counts and plans.
Result<SampleSummary> SampleTraces(const std::vector<std::string>& inputs,
                                   const SamplePolicy& policy, const SampleOptions& options,
                                   AtomicFile* out, std::FILE* diagnostics);

}  // namespace arbiter
