#include "runner/source/shard_spec.h"

#include <charconv>

namespace arbiter {
namespace {

std::optional<uint64_t> ParseCount(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

Result<ShardSpec> Checked(uint64_t index, uint64_t count, const std::string& what) {
  if (count < 1 || count > kMaxShards) {
    return Status::InvalidArgument(what + ": the shard count must be 1 to " +
                                   std::to_string(kMaxShards) + ", not " + std::to_string(count));
  }
  if (index >= count) {
    return Status::InvalidArgument(what + ": shard index " + std::to_string(index) +
                                   " is not below the count " + std::to_string(count) +
                                   " (indices start at 0)");
  }
  return ShardSpec{static_cast<uint32_t>(index), static_cast<uint32_t>(count)};
}

}  // namespace

Result<ShardSpec> ParseShardSpec(std::string_view text) {
  const std::string what = "--shard " + std::string(text);
  size_t slash = text.find('/');
  std::optional<uint64_t> index, count;
  if (slash != std::string_view::npos) {
    index = ParseCount(text.substr(0, slash));
    count = ParseCount(text.substr(slash + 1));
  }
  if (!index || !count) {
    return Status::InvalidArgument(what +
                                   ": expected I/N (shard I of N, from 0), e.g. 0/4, or auto");
  }
  return Checked(*index, *count, what);
}

Result<ShardSpec> ShardFromEnvironment(const std::function<const char*(const char*)>& getenv,
                                       std::optional<uint32_t> count) {
  auto number = [&](const char* name) -> Result<std::optional<uint64_t>> {
    const char* value = getenv(name);
    if (!value) return std::optional<uint64_t>();
    std::optional<uint64_t> parsed = ParseCount(value);
    if (!parsed) {
      return Status::InvalidArgument(std::string("--shard auto: ") + name + "='" + value +
                                     "' is not a non-negative integer");
    }
    return parsed;
  };
  ARBITER_ASSIGN_OR_RETURN(std::optional<uint64_t> job_index, number("JOB_COMPLETION_INDEX"));
  if (job_index) {
    ARBITER_ASSIGN_OR_RETURN(std::optional<uint64_t> env_count, number("ARBITER_SHARD_COUNT"));
    std::optional<uint64_t> total = count ? std::optional<uint64_t>(*count) : env_count;
    if (!total) {
      return Status::InvalidArgument(
          "--shard auto: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but not the shard "
          "count: pass --shard-count N or set ARBITER_SHARD_COUNT to the Job's completions");
    }
    return Checked(*job_index, *total, "--shard auto (JOB_COMPLETION_INDEX)");
  }
  ARBITER_ASSIGN_OR_RETURN(std::optional<uint64_t> task, number("SLURM_ARRAY_TASK_ID"));
  if (task) {
    ARBITER_ASSIGN_OR_RETURN(std::optional<uint64_t> tasks, number("SLURM_ARRAY_TASK_COUNT"));
    ARBITER_ASSIGN_OR_RETURN(std::optional<uint64_t> min, number("SLURM_ARRAY_TASK_MIN"));
    std::optional<uint64_t> total = count ? std::optional<uint64_t>(*count) : tasks;
    if (!total) {
      return Status::InvalidArgument(
          "--shard auto: SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT: pass "
          "--shard-count N");
    }
    uint64_t first = min.value_or(0);
    if (*task < first) {
      return Status::InvalidArgument("--shard auto: SLURM_ARRAY_TASK_ID " + std::to_string(*task) +
                                     " is below SLURM_ARRAY_TASK_MIN " + std::to_string(first));
    }
    return Checked(*task - first, *total, "--shard auto (SLURM_ARRAY_TASK_ID)");
  }
  return Status::InvalidArgument(
      "--shard auto: no shard in the environment: neither JOB_COMPLETION_INDEX (Kubernetes "
      "Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set; give --shard I/N instead");
}

}  // namespace arbiter
