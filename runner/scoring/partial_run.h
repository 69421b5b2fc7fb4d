// A partial run: what `arbiter run --shard I/N` writes beside its scores.jsonl and
// trace_errors.jsonl instead of a scorecard: shard.json (docs/FORMATS.md "shard.json"), saying
// which shard of how many it is, the suite (its evaluators and fingerprints), the input set, and
// for each part of an input it read the byte ranges of its rows in the two files, their digests
// and the scorecard's tallies over that part (ScorecardBuilder::State). `arbiter merge`
// (merge_runs.h) reads N of them back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/base/status.h"
#include "runner/scoring/scorecard.h"
#include "runner/source/shard_plan.h"

namespace arbiter {

inline constexpr const char* kShardFile = "shard.json";
inline constexpr int kShardFormat = 3;

struct PartialPart {
  size_t input = 0;                           // index into the inputs
  std::optional<ByteRange> range;             // a split input's byte range; none: the whole input
  uint64_t rows_begin = 0, rows_end = 0;      // its rows in scores.jsonl
  uint64_t errors_begin = 0, errors_end = 0;  // its lines in trace_errors.jsonl
  std::string rows_digest, errors_digest;     // SpanDigest (base/hash.h) of each span's bytes
  nlohmann::json state;                       // ScorecardBuilder::State over the part's traces
};

struct PartialRun {
  std::filesystem::path dir;  // where it was read from (empty when being written)
  ShardSpec shard;
  ScorecardSuite suite;
  double max_error_rate = 0;
  std::vector<ShardInput> inputs;
  InputHashKind input_hash = InputHashKind::kSha256Chunks;  // `run --input-hash`
  std::vector<std::optional<std::string>> input_hashes;     // reported by this shard, or none
  std::vector<PartialPart> parts;                           // in input order
  bool interrupted = false;

  // The suite's identity, without the usage figures (which differ by shard): the SHA-256 of its
  // name, strata and each evaluator's id, version, plugin, fingerprint, when and skip reason.
  std::string SuiteFingerprint() const;
  nlohmann::ordered_json Json() const;
  // DIR/shard.json. NotFound when the folder has none; Corruption naming the file otherwise.
  static Result<PartialRun> Load(const std::filesystem::path& dir);
};

}  // namespace arbiter
