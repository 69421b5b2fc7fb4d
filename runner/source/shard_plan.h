// How a run's inputs are cut into the parts of its shards (`arbiter run --shard I/N`). A plain
// JSONL file is cut into N byte ranges of equal size, at line boundaries: a line belongs to the
// shard where it starts. A file that cannot be cut there is read whole by one shard, assigned by
// its index among such files (k-th to shard k mod N): a gzip file (no random access) and an OTLP
// file (a trace's spans may be spread over its lines). Every shard describes the inputs the same
// way (DescribeShardInputs), so `arbiter merge` can check that the shards read one input set and
// put their parts back in the order of one run: input by input, parts in shard order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/status.h"
#include "runner/source/shard_spec.h"
#include "runner/source/trace_source.h"

namespace arbiter {

struct ShardInput {
  std::string path;
  uint64_t bytes = 0;  // the file's size on disk
  bool split = false;  // cut into byte ranges (plain JSONL); false: read whole by one shard
  std::string probe;   // SHA-256 of its first and last 64 KiB: a cheap "same file" check
};

// Describes `paths` (checked by CheckTraceFiles). InvalidArgument for standard input or a pipe:
// a shard must find its part of a file it can seek in.
Result<std::vector<ShardInput>> DescribeShardInputs(const std::vector<std::string>& paths,
                                                    TraceFormat format);

// The SHA-256 of the description (paths, sizes, how each is cut, probes): the input set's
// identity that every shard records.
std::string InputSetIdentity(const std::vector<ShardInput>& inputs);

// The first difference between two descriptions, in words ("input 2 a.jsonl of 10 bytes against
// 12"); "" when they describe the same inputs.
std::string InputSetDifference(const std::vector<ShardInput>& a, const std::vector<ShardInput>& b);

// One part of one input, read by one shard.
struct ShardPart {
  size_t input = 0;                // index into the inputs
  uint32_t shard = 0;              // the shard that reads it
  std::optional<ByteRange> range;  // a split input's range; none: the whole input
};

// The parts shard `spec.index` reads, in input order.
std::vector<ShardPart> PlanShard(const std::vector<ShardInput>& inputs, ShardSpec spec);

// Every part of every shard, in the order of one run over all the inputs.
std::vector<ShardPart> PlanAllShards(const std::vector<ShardInput>& inputs, uint32_t count);

// The shard that reports input `input`'s SHA-256 in its partial run: a whole input's reader; for
// a split one, shard `input` mod N, which hashes the whole file beside its scoring.
uint32_t HashingShard(const std::vector<ShardInput>& inputs, size_t input, uint32_t count);

// The SHA-256 (hex) of a file's bytes, as `sha256sum` prints it.
Result<std::string> FileSha256(const std::string& path);

}  // namespace arbiter
