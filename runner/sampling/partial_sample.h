// A partial sample (docs/FORMATS.md "Partial samples"): what `arbiter sample --shard I/N` or
// `--partial` writes instead of a sample, and `arbiter sample --merge` reads back. One JSON
// line of header, then the traces the reservoirs hold, each as read. The header says what the
// sample was drawn with (the policy's fingerprint, the seed, what the focus rules had collected),
// which part of which inputs it covers, and every cell's population. A cell's reservoir keeps
// its bottom-k whatever the plan, so the merge, which takes the lowest k of the parts'
// candidates and adds the populations, draws what one sample over all the inputs draws.
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
#include "runner/sampling/stream.h"
#include "runner/source/shard_plan.h"

namespace arbiter {

inline constexpr int kPartialSampleFormat = 1;

struct PartialSampleHeader {
  std::string policy;  // PolicyFingerprint
  uint64_t seed = 1;
  std::vector<uint64_t> focus_collected;    // by the policy's focus rules
  std::optional<ShardSpec> shard;           // none: `--partial`, a part cut some other way
  std::vector<ShardInput> inputs;           // a stream input has no probe
  uint64_t traces = 0;                      // offered to the sampler
  uint64_t skipped = 0;                     // unreadable records
  std::vector<StratumCounts> strata;        // sorted by key
  std::vector<uint64_t> focus_populations;  // by active focus rule
  uint64_t candidates = 0;                  // the lines after the header
};

// The policy's identity for a merge: the SHA-256 of its file's bytes and of each scores file it
// reads failures from (another scores file makes other failures).
Result<std::string> PolicyFingerprint(const SamplePolicy& policy);

// Describes the inputs of a partial sample: files as a shard describes them (shard_plan.h),
// standard input and pipes by their name only.
Result<std::vector<ShardInput>> DescribePartialInputs(const std::vector<std::string>& paths);

// Samples `inputs` (with `options.ranges`, a shard's parts of them) into the partial sample
// `out`. `header` names the shard and describes the inputs; the rest of it is filled here.
// The summary's `sampled` counts the candidates written.
Result<SampleSummary> SamplePartial(const std::vector<std::string>& inputs,
                                    const SamplePolicy& policy, const SampleOptions& options,
                                    PartialSampleHeader header, AtomicFile& out,
                                    std::FILE* diagnostics);

struct MergedSample {
  SampleSummary summary;
  std::vector<uint64_t> focus_collected;  // what the partials were drawn with
  uint64_t seed = 1;
  size_t parts = 0;
};

// Merges the partial samples `files` drawn with `policy` into `out` (with `out` null: only the
// plan). InvalidArgument, naming the file, for a file that is not a partial sample, a set drawn
// with other policies, seeds or focus states, sharded parts of other input sets or counts, a
// shard missing or given twice, and parts that read one input twice; Corruption for a file whose
// lines do not hold what its header says.
Result<MergedSample> MergePartialSamples(const std::vector<std::string>& files,
                                         const SamplePolicy& policy, AtomicFile* out);

}  // namespace arbiter
