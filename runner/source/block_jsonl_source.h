// Our JSONL trace format read from a plain file in blocks (base/block_reader.h): the kernel's
// copy on the block reader's thread, the split into lines here, on the thread that batches
// them. A line that lies in one block is handed on as a view into that block with the block as
// its owner (TraceRecord::owner), so the batch holds the block rather than a copy of the line;
// only a line across a block boundary is assembled in a buffer of the source's own. The input
// hash is fed the blocks themselves (InputHasher::Update with an owner), not a copy.
// The lines are those of LineReader and JsonlSource: '\n' ends a line, one '\r' before it is
// dropped, a byte-order mark starting the file is not part of line 1, blank lines are skipped,
// a line over the limit becomes an error record, and a last line needs no '\n'.
#pragma once

#include <memory>
#include <string>

#include "runner/base/status.h"
#include "runner/source/trace_source.h"

namespace arbiter {

// REQUIRES: `path` is a plain (not gzip) regular file of JSONL traces. Blocks of
// options.block_bytes.
Result<std::unique_ptr<TraceSource>> OpenBlockJsonlSource(const std::string& path,
                                                          const SourceOptions& options);

// Only the lines that start in the byte range [begin, end), as LineReader::OpenRange reads them
// (one shard's part of the file, `run --shard`): the file's own line numbers, no input hash, and
// BytesRead() counted from `begin`. The blocks are read from begin - 1 (to find where the first
// line of the range starts) until the line that starts before `end` and ends after it is whole.
Result<std::unique_ptr<TraceSource>> OpenBlockJsonlSourceRange(const std::string& path,
                                                               uint64_t begin, uint64_t end,
                                                               const SourceOptions& options);

}  // namespace arbiter
