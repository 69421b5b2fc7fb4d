// Reads a plain file in large blocks on threads of its own, for `arbiter run`'s reader: the
// kernel's copy of the file into user memory (pread(2)) is the largest cost of reading a plain
// JSONL file, and on threads of its own it no longer adds to the cost of splitting lines
// (docs/PERFORMANCE.md "The serial stages"). The blocks are shared, not copied: a batch of
// traces and the input hash's threads hold the blocks they look at (BlockRef), and a block goes
// back to a pool for the next read once its last holder drops it, so steady state allocates
// nothing. pread(2), not mmap: a file truncated while it is read ends early, where a mapping
// would raise SIGBUS on whatever thread touched the lost page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "runner/base/status.h"

namespace arbiter {

// A block of the file: `size` bytes from file offset `offset`, then at least `padding` (as
// asked of BlockReader::Open) readable bytes that are not the file's, so that a parser that
// reads past the end of its text (simdjson) may parse a line ending at the block's end in place.
struct FileBlock {
  const char* data = nullptr;
  size_t size = 0;
  uint64_t offset = 0;
};
using BlockRef = std::shared_ptr<const FileBlock>;

class BlockReader {
 public:
  static constexpr size_t kHugePageBytes = 2 << 20;
  // Reading threads: the kernel's copy is the largest cost of a plain file, and spread over two
  // threads each costs half (docs/PERFORMANCE.md); the blocks are handed out in file order.
  static constexpr size_t kDefaultThreads = 2;

  // Opens `path` and starts reading it on `threads` threads of its own, in blocks of
  // `block_bytes` (0: a block and its padding fill one 2 MiB huge page), up to `ahead` blocks
  // (at least `threads`) ahead of Next(): each block more is memory the kernel zeroes once, a
  // fixed cost of each input (a sixth of the reading threads' CPU on 505 MB). The blocks start
  // at file offset `start` (a shard's range of the file) and go on to its end.
  // NotFound for a missing file, IoError for another failure to open.
  static Result<std::unique_ptr<BlockReader>> Open(const std::string& path, size_t padding,
                                                   size_t block_bytes = 0,
                                                   size_t threads = kDefaultThreads,
                                                   size_t ahead = 4, uint64_t start = 0);
  // Stops the reading threads (a reader destroyed before the end of its file stops early).
  ~BlockReader();
  BlockReader(const BlockReader&) = delete;
  BlockReader& operator=(const BlockReader&) = delete;

  // The next block in file order, full unless it is the last; null at the end of the file or
  // on a read error (see status()).
  BlockRef Next();
  // OK, or the read error ("PATH: read error: ...") that ended the blocks.
  Status status() const;

 private:
  struct Shared;
  explicit BlockReader(std::shared_ptr<Shared> shared);
  std::shared_ptr<Shared> shared_;
};

// CPU seconds spent so far by the reading threads of every BlockReader in this process, added
// as each ends: the read stage of `run --stage-times`.
double BlockReadThreadCpuSeconds();

}  // namespace arbiter
