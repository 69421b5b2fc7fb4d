// Which shard of a run this process is (`arbiter run --shard I/N`, or `--shard auto` under a
// Kubernetes Indexed Job or a Slurm job array). A shard scores the I-th of N parts of the inputs
// (shard_plan.h); `arbiter merge` adds the N partial runs into the outputs of one run.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "runner/base/status.h"

namespace arbiter {

struct ShardSpec {
  uint32_t index = 0;  // 0-based, < count
  uint32_t count = 1;
  std::string Text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// The most shards a run is cut into: more would only make parts too small to pay for a process.
inline constexpr uint32_t kMaxShards = 100000;

// "I/N" with 0 <= I < N, 1 <= N <= kMaxShards; InvalidArgument naming what is wrong otherwise.
Result<ShardSpec> ParseShardSpec(std::string_view text);

// `--shard auto`: the shard from the engine that started this process, looked up with `getenv`:
//   Kubernetes Indexed Job: JOB_COMPLETION_INDEX, with the count from `count` (the --shard-count
//     flag) or else ARBITER_SHARD_COUNT (the Job's .spec.completions, which Kubernetes does not
//     put in the environment);
//   Slurm job array: SLURM_ARRAY_TASK_ID less SLURM_ARRAY_TASK_MIN (0 when unset), of
//     SLURM_ARRAY_TASK_COUNT (or `count` when given).
// InvalidArgument saying which variables were looked for when none is set, or naming one that is
// malformed or out of range.
Result<ShardSpec> ShardFromEnvironment(const std::function<const char*(const char*)>& getenv,
                                       std::optional<uint32_t> count);

}  // namespace arbiter
