#include "runner/base/input_hash.h"

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "runner/base/sha256.h"
#include "runner/base/thread_cpu.h"

namespace arbiter {
namespace {

using Digest = std::array<unsigned char, 32>;

std::atomic<uint64_t> hash_thread_cpu_nanos{0};

EVP_MD_CTX* NewSha256() {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  return context;
}

// Finishes `context` into `digest` and starts it over.
void TakeDigest(EVP_MD_CTX* context, unsigned char* digest) {
  unsigned int length = 0;
  EVP_DigestFinal_ex(context, digest, &length);
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
}

Digest DigestOf(std::string_view bytes) {
  Digest digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

std::string HexOfDigests(const std::vector<Digest>& digests) {
  Digest top = DigestOf(std::string_view(reinterpret_cast<const char*>(digests.data()),
                                         digests.size() * sizeof(Digest)));
  return DigestHex(top.data(), top.size());
}

}  // namespace

// Chunks hashed on threads of their own. A chunk is a list of pieces: bytes that an owner keeps
// alive (Update with an owner: nothing copied) or bytes the feeding thread copied into a chunk
// buffer of the pool (a memcpy, some twenty times cheaper than hashing them). At most
// 2 * threads chunks are in flight; the feeder waits for one to be hashed beyond that, so memory
// stays bounded, and copy buffers are recycled.
struct InputHasher::Pool {
  struct Piece {
    std::shared_ptr<const void> owner;  // null: the bytes lie in the chunk's copy buffer
    std::string_view bytes;
  };
  struct Chunk {
    std::unique_ptr<std::string> copy;  // reserved to a chunk's size, so views into it hold
    std::vector<Piece> pieces;
    size_t size = 0;
  };

  explicit Pool(size_t count) : max_pending(2 * count) {
    for (size_t i = 0; i < count; ++i) threads.emplace_back([this] { Work(); });
  }
  ~Pool() { Stop(); }

  void Work() {
    EVP_MD_CTX* context = NewSha256();
    std::unique_lock lock(mutex);
    for (;;) {
      ready.wait(lock, [&] { return !queue.empty() || stopping; });
      if (queue.empty()) break;
      auto [index, chunk] = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      Digest digest{};
      for (const Piece& piece : chunk.pieces) {
        EVP_DigestUpdate(context, piece.bytes.data(), piece.bytes.size());
      }
      TakeDigest(context, digest.data());
      chunk.pieces.clear();  // gives the owners back before waiting for the next chunk
      lock.lock();
      digests[index] = digest;
      if (chunk.copy) free.push_back(std::move(chunk.copy));
      --pending;
      space.notify_all();
    }
    lock.unlock();
    EVP_MD_CTX_free(context);
    hash_thread_cpu_nanos += ThreadCpuNanos();
  }

  // `owner` null: copy the bytes.
  void Feed(const std::shared_ptr<const void>& owner, std::string_view bytes) {
    while (!bytes.empty()) {
      size_t take = std::min(bytes.size(), kInputHashChunkBytes - current.size);
      std::string_view piece = bytes.substr(0, take);
      if (!owner) {
        if (!current.copy) current.copy = TakeBuffer();
        const size_t at = current.copy->size();
        current.copy->append(piece);
        piece = std::string_view(*current.copy).substr(at);
      }
      // Bytes copied one after the other extend one piece.
      if (!owner && !current.pieces.empty() && !current.pieces.back().owner &&
          current.pieces.back().bytes.data() + current.pieces.back().bytes.size() == piece.data()) {
        Piece& last = current.pieces.back();
        last.bytes = std::string_view(last.bytes.data(), last.bytes.size() + piece.size());
      } else {
        current.pieces.push_back(Piece{owner, piece});
      }
      current.size += take;
      bytes.remove_prefix(take);
      if (current.size == kInputHashChunkBytes) Submit();
    }
  }

  std::vector<Digest> Finish() {
    if (current.size > 0) Submit();
    {
      std::unique_lock lock(mutex);
      space.wait(lock, [&] { return pending == 0; });
    }
    Stop();
    return std::move(digests);
  }

  std::unique_ptr<std::string> TakeBuffer() {
    std::unique_ptr<std::string> buffer;
    {
      std::lock_guard lock(mutex);
      if (!free.empty()) {
        buffer = std::move(free.back());
        free.pop_back();
      }
    }
    if (!buffer) {
      buffer = std::make_unique<std::string>();
      buffer->reserve(kInputHashChunkBytes);
    }
    buffer->clear();
    return buffer;
  }

  void Submit() {
    std::unique_lock lock(mutex);
    space.wait(lock, [&] { return pending < max_pending; });
    digests.emplace_back();
    queue.emplace_back(digests.size() - 1, std::move(current));
    current = Chunk();
    ++pending;
    ready.notify_one();
  }

  void Stop() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    ready.notify_all();
    for (std::thread& thread : threads) thread.join();
    threads.clear();
  }

  const size_t max_pending;
  std::mutex mutex;
  std::condition_variable ready;               // a chunk to hash, or stopping
  std::condition_variable space;               // a chunk was hashed
  std::deque<std::pair<size_t, Chunk>> queue;  // chunk index, pieces
  std::vector<std::unique_ptr<std::string>> free;
  size_t pending = 0;  // submitted, not yet hashed
  bool stopping = false;
  std::vector<Digest> digests;  // by chunk index
  Chunk current;                // being filled, by the feeding thread only
  std::vector<std::thread> threads;
};

const char* InputHashName(InputHashKind kind) {
  return kind == InputHashKind::kSha256 ? "sha256" : "sha256_chunks";
}

std::optional<InputHashKind> ParseInputHashKind(std::string_view name) {
  if (name == "sha256_chunks") return InputHashKind::kSha256Chunks;
  if (name == "sha256") return InputHashKind::kSha256;
  return std::nullopt;
}

InputHasher::InputHasher(InputHashKind kind, size_t threads) : kind_(kind), running_(nullptr) {
  if (kind == InputHashKind::kSha256Chunks && threads > 1) {
    pool_ = std::make_unique<Pool>(threads);
  } else {
    running_ = NewSha256();
  }
}

InputHasher::~InputHasher() {
  if (running_) EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(running_));
}

void InputHasher::Update(std::string_view bytes) {
  if (pool_) return pool_->Feed(nullptr, bytes);
  auto* context = static_cast<EVP_MD_CTX*>(running_);
  if (kind_ == InputHashKind::kSha256) {
    EVP_DigestUpdate(context, bytes.data(), bytes.size());
    return;
  }
  while (!bytes.empty()) {
    size_t take = std::min(bytes.size(), kInputHashChunkBytes - chunk_fill_);
    EVP_DigestUpdate(context, bytes.data(), take);
    bytes.remove_prefix(take);
    chunk_fill_ += take;
    if (chunk_fill_ == kInputHashChunkBytes) CloseChunk();
  }
}

void InputHasher::Update(std::shared_ptr<const void> owner, std::string_view bytes) {
  if (pool_) return pool_->Feed(owner, bytes);
  Update(bytes);  // hashed here, on the caller's thread, before `owner` is let go
}

void InputHasher::CloseChunk() {
  TakeDigest(static_cast<EVP_MD_CTX*>(running_), digests_.emplace_back().data());
  chunk_fill_ = 0;
}

std::string InputHasher::Finish() {
  if (pool_) return HexOfDigests(pool_->Finish());
  if (kind_ == InputHashKind::kSha256) {
    Digest digest{};
    TakeDigest(static_cast<EVP_MD_CTX*>(running_), digest.data());
    return DigestHex(digest.data(), digest.size());
  }
  if (chunk_fill_ > 0) CloseChunk();
  return HexOfDigests(digests_);
}

std::string InputHashHex(InputHashKind kind, std::string_view bytes, size_t threads) {
  InputHasher hasher(kind, threads);
  hasher.Update(bytes);
  return hasher.Finish();
}

Result<std::string> FileInputHash(InputHashKind kind, const std::string& path, size_t threads) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(path + ": cannot open: " + strerror(errno));
  InputHasher hasher(kind, threads);
  std::string chunk(kInputHashChunkBytes, '\0');
  for (;;) {
    ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string message = path + ": read error: " + strerror(errno);
      ::close(fd);
      return Status::IoError(message);
    }
    if (n == 0) break;
    hasher.Update(std::string_view(chunk.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return hasher.Finish();
}

double InputHashThreadCpuSeconds() { return static_cast<double>(hash_thread_cpu_nanos) / 1e9; }

}  // namespace arbiter
