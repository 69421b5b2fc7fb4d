#include "runner/base/block_reader.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runner/base/open_file.h"
#include "runner/base/thread_cpu.h"

namespace arbiter {
namespace {

std::atomic<uint64_t> block_read_cpu_nanos{0};

// Blocks kept for reuse. The blocks alive at once are bounded by what holds them (the blocks
// read ahead, the batches in flight, the input hash's chunks in flight), a few dozen MiB on 16
// cores; keeping them all for reuse spares the allocation and the page faults of a new block.
constexpr size_t kMaxFreeBlocks = 64;

// Memory from std::malloc or std::aligned_alloc.
struct Free {
  void operator()(char* bytes) const { std::free(bytes); }
};
using Bytes = std::unique_ptr<char[], Free>;

// A block's memory. A block of a huge page or more is aligned to huge pages and asks for them
// (transparent huge pages; where the system leaves them to madvise, as it often does): with
// 4 KiB pages, TLB misses made the kernel's copy into the blocks half again as costly (reading
// 505 MB took 0.16-0.18 s of the reading thread's CPU, 0.11-0.12 s with huge pages). Where huge
// pages are off, madvise fails and the block is plain memory.
Bytes Allocate(size_t size) {
  constexpr size_t kHugePage = BlockReader::kHugePageBytes;
  Bytes bytes;
  if (size < kHugePage) {
    bytes.reset(static_cast<char*>(std::malloc(size)));
  } else {
    const size_t rounded = (size + kHugePage - 1) / kHugePage * kHugePage;
    bytes.reset(static_cast<char*>(std::aligned_alloc(kHugePage, rounded)));
    if (bytes) ::madvise(bytes.get(), rounded, MADV_HUGEPAGE);
  }
  if (!bytes) throw std::bad_alloc();  // as `new` would
  return bytes;
}

// A block with the memory behind it.
struct OwnedBlock : FileBlock {
  Bytes bytes;
};

}  // namespace

// What the reading threads, Next() and the blocks' holders share. Held by the reader and by
// every block handed out (a block's last holder gives it back here), so it outlives both.
// Block k is the file's bytes from start + k * block_bytes; reading thread t of T reads the blocks
// k = t, t + T, ... with pread(2), and Next() hands them out in order.
struct BlockReader::Shared : std::enable_shared_from_this<Shared> {
  Shared(std::string path, int fd, size_t padding, size_t block_bytes, size_t ahead, uint64_t start)
      : path(std::move(path)),
        fd(fd),
        padding(padding),
        block_bytes(block_bytes),
        ahead(ahead),
        start(start) {}
  ~Shared() {
    if (fd >= 0) ::close(fd);
  }

  // Blocks at and past this index are not handed out: the file ended before it, or reading it
  // failed. Under `mutex`.
  uint64_t End() const { return std::min(eof_index, error_index); }

  // On reading thread `first` of `step`: fills its blocks until the end of the file, an error,
  // or a stop, each at most `ahead` blocks ahead of Next().
  void Run(uint64_t first, uint64_t step) {
    for (uint64_t index = first;; index += step) {
      {
        std::unique_lock lock(mutex);
        room.wait(lock, [&] { return index < next + ahead || index >= End() || stopping; });
        if (index >= End() || stopping) break;
      }
      std::unique_ptr<OwnedBlock> block = Take();
      const uint64_t offset = start + index * block_bytes;
      size_t filled = 0;
      Status error;
      while (filled < block_bytes) {
        ssize_t got = ::pread(fd, block->bytes.get() + filled, block_bytes - filled,
                              static_cast<off_t>(offset + filled));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) error = Status::IoError(path + ": read error: " + strerror(errno));
        if (got <= 0) break;
        filled += static_cast<size_t>(got);
      }
      block->data = block->bytes.get();
      block->size = filled;
      block->offset = offset;
      std::lock_guard lock(mutex);
      // Stopping: the reader no longer takes blocks (one kept in `read` would hold `this`
      // through its deleter, and be kept by it, for ever).
      if (stopping) break;
      if (!error.ok()) {
        if (index < error_index) {
          error_index = index;
          status = std::move(error);
        }
      } else {
        // A short block is the file's last (a file that grows meanwhile is read to here).
        if (filled < block_bytes) eof_index = std::min(eof_index, filled > 0 ? index + 1 : index);
        if (filled > 0 && index < End()) read.emplace(index, Share(std::move(block)));
      }
      ready.notify_one();
      room.notify_all();  // a thread waiting past the end can stop
    }
    block_read_cpu_nanos += ThreadCpuNanos();
  }

  std::unique_ptr<OwnedBlock> Take() {
    {
      std::lock_guard lock(mutex);
      if (!free.empty()) {
        std::unique_ptr<OwnedBlock> block = std::move(free.back());
        free.pop_back();
        return block;
      }
    }
    auto block = std::make_unique<OwnedBlock>();
    block->bytes = Allocate(block_bytes + padding);
    // The padding is zeroed once, so that what a parser reads past a block's last byte is never
    // uninitialized memory; the rest is overwritten by each read (zeroing it too cost a fifth
    // of the reading thread's CPU).
    std::memset(block->bytes.get() + block_bytes, 0, padding);
    return block;
  }

  // The block as a BlockRef whose last holder gives it back for reuse.
  BlockRef Share(std::unique_ptr<OwnedBlock> block) {
    std::shared_ptr<Shared> self = shared_from_this();
    return BlockRef(block.release(), [self](const FileBlock* released) {
      std::unique_ptr<OwnedBlock> owned(static_cast<OwnedBlock*>(const_cast<FileBlock*>(released)));
      std::lock_guard lock(self->mutex);
      if (self->free.size() < kMaxFreeBlocks) self->free.push_back(std::move(owned));
    });
  }

  const std::string path;
  const int fd;
  const size_t padding, block_bytes, ahead;
  const uint64_t start;
  std::mutex mutex;
  std::condition_variable ready;      // a block read, or the end
  std::condition_variable room;       // a block handed out, the end, or stopping
  std::map<uint64_t, BlockRef> read;  // by index, until Next() hands them out
  uint64_t next = 0;                  // the index Next() hands out next
  uint64_t eof_index = UINT64_MAX;    // the first index past the file's end, once known
  uint64_t error_index = UINT64_MAX;  // the first index that could not be read
  Status status;                      // the error of error_index
  std::vector<std::unique_ptr<OwnedBlock>> free;
  bool stopping = false;  // the reader is being destroyed
  std::vector<std::thread> threads;
};

Result<std::unique_ptr<BlockReader>> BlockReader::Open(const std::string& path, size_t padding,
                                                       size_t block_bytes, size_t threads,
                                                       size_t ahead, uint64_t start) {
  ARBITER_ASSIGN_OR_RETURN(const int fd, OpenForReading(path));
  ::posix_fadvise(fd, static_cast<off_t>(start), 0, POSIX_FADV_SEQUENTIAL);
  // By default a block and its padding fill one huge page (Allocate).
  if (block_bytes == 0) block_bytes = padding < kHugePageBytes ? kHugePageBytes - padding : 1;
  if (threads == 0) threads = 1;
  auto shared =
      std::make_shared<Shared>(path, fd, padding, block_bytes, std::max(ahead, threads), start);
  for (size_t thread = 0; thread < threads; ++thread) {
    shared->threads.emplace_back(
        [raw = shared.get(), thread, threads] { raw->Run(thread, threads); });
  }
  return std::unique_ptr<BlockReader>(new BlockReader(std::move(shared)));
}

BlockReader::BlockReader(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

BlockReader::~BlockReader() {
  std::map<uint64_t, BlockRef> unread;  // given back after the lock, which their deleter takes
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    unread.swap(shared_->read);
  }
  shared_->room.notify_all();
  for (std::thread& thread : shared_->threads) thread.join();
}

BlockRef BlockReader::Next() {
  Shared& shared = *shared_;
  std::unique_lock lock(shared.mutex);
  shared.ready.wait(lock,
                    [&] { return shared.read.count(shared.next) || shared.next >= shared.End(); });
  auto it = shared.read.find(shared.next);
  if (it == shared.read.end()) return nullptr;
  BlockRef block = std::move(it->second);
  shared.read.erase(it);
  ++shared.next;
  shared.room.notify_all();
  return block;
}

Status BlockReader::status() const {
  std::lock_guard lock(shared_->mutex);
  // An error past the file's end (a block read after the last) is no error.
  return shared_->error_index < shared_->eof_index ? shared_->status : Status::OK();
}

double BlockReadThreadCpuSeconds() { return static_cast<double>(block_read_cpu_nanos) / 1e9; }

}  // namespace arbiter
