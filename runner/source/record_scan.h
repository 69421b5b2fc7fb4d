// Reading traces with the parsing off the reading thread, over the batched read that `arbiter
// run` uses too (batched_read.h): a reader thread splits the inputs into batches of records,
// `workers` threads parse them. With several workers, handlers run concurrently and in no
// particular order (`triage`, whose queue does not depend on the order traces arrive); with
// one, in input order (`sample`, which needs one consumer and gains the overlap of reading, a
// third of its time, with parsing).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/status.h"
#include "runner/source/trace_source.h"

namespace arbiter {

struct ScannedRecord {
  size_t input = 0;      // index into the inputs
  uint64_t ordinal = 0;  // position among the input's readable records (0-based)
  uint64_t line = 0;
  // The record's text, followed by simdjson::SIMDJSON_PADDING bytes that may be read (not
  // written): parse it in place with parser.parse(json.data(), json.size(), false).
  std::string_view json;
};

struct ScanCallbacks {
  // Optional, on the reader thread, for every readable record in input order (spooling
  // standard input).
  std::function<Status(size_t input, std::string_view json)> read;
  // On worker `worker` (0 <= worker < workers): "" or the reason to skip the record; an error
  // stops the scan.
  std::function<Result<std::string>(size_t worker, const ScannedRecord& record)> parse;
};

// Skipped records (unreadable ones and those `parse` rejects) are reported to `diagnostics` as
// "file:line: reason; skipped", by the worker that met them, and counted in `skipped`. Returns
// the first error of `parse`, else an input that cannot be opened or read, or `read`'s error.
// `ranges`, when not empty, has one entry per input: an input with a range is read only in that
// range of its bytes (a shard's part, shard_plan.h).
// REQUIRES: workers > 0.
Status ScanRecords(const std::vector<std::string>& inputs, const SourceOptions& options,
                   size_t workers, std::FILE* diagnostics, uint64_t& skipped,
                   const ScanCallbacks& callbacks,
                   const std::vector<std::optional<ByteRange>>& ranges = {});

}  // namespace arbiter
