// `arbiter merge RUN... --out DIR`: the partial runs of `arbiter run --shard I/N` added into the
// outputs of one run over all the inputs (scores.jsonl, scorecard.json, scorecard.md,
// trace_errors.jsonl), byte for byte: rows are copied part by part in the order one run reads
// them (input by input, then shard by shard), and the scorecard is built from the parts' tallies,
// which add exactly (scorecard.h). A set of runs that would not give that is refused, naming
// the difference: another suite or fingerprint, another input set, another shard count or error
// threshold, a missing shard, two copies of one, a full run among them, an interrupted shard.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runner/base/status.h"
#include "runner/scoring/run_warnings.h"

namespace arbiter {

struct MergeResult {
  uint32_t shards = 0;
  uint64_t traces = 0;        // scored
  uint64_t trace_errors = 0;  // broken, skipped
  std::vector<RunWarning> warnings;
};

// Merges `runs` (their folders, in any order) into `out` (created when missing). Each output is
// renamed into place only when all are written. InvalidArgument for a set that cannot be merged
// (the message names the runs and the difference); Corruption for a partial run whose files do
// not hold what its shard.json says.
Result<MergeResult> MergeRuns(const std::vector<std::filesystem::path>& runs,
                              const std::filesystem::path& out);

}  // namespace arbiter
