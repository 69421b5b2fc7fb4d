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

// Chunks hashed on threads of their own. The feeding thread only copies bytes into chunk
// buffers (a memcpy, some twenty times cheaper than hashing them); buffers are recycled, and
// the feeder waits when all 2 * threads of them are in flight, so memory stays bounded.
struct InputHasher::Pool {
  explicit Pool(size_t count) : max_buffers(2 * count) {
    for (size_t i = 0; i < count; ++i) threads.emplace_back([this] { Work(); });
  }
  ~Pool() { Stop(); }

  void Work() {
    std::unique_lock lock(mutex);
    for (;;) {
      ready.wait(lock, [&] { return !queue.empty() || stopping; });
      if (queue.empty()) break;
      auto [index, bytes] = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      Digest digest = DigestOf(*bytes);
      lock.lock();
      digests[index] = digest;
      free.push_back(std::move(bytes));
      --pending;
      space.notify_all();
    }
    hash_thread_cpu_nanos += ThreadCpuNanos();
  }

  void Feed(std::string_view bytes) {
    while (!bytes.empty()) {
      if (!current) current = TakeBuffer();
      size_t take = std::min(bytes.size(), kInputHashChunkBytes - current->size());
      current->append(bytes.data(), take);
      bytes.remove_prefix(take);
      if (current->size() == kInputHashChunkBytes) Submit();
    }
  }

  std::vector<Digest> Finish() {
    if (current && !current->empty()) Submit();
    {
      std::unique_lock lock(mutex);
      space.wait(lock, [&] { return pending == 0; });
    }
    Stop();
    return std::move(digests);
  }

  std::unique_ptr<std::string> TakeBuffer() {
    std::unique_lock lock(mutex);
    space.wait(lock, [&] { return !free.empty() || buffers < max_buffers; });
    std::unique_ptr<std::string> buffer;
    if (!free.empty()) {
      buffer = std::move(free.back());
      free.pop_back();
    } else {
      ++buffers;
      buffer = std::make_unique<std::string>();
      buffer->reserve(kInputHashChunkBytes);
    }
    buffer->clear();
    return buffer;
  }

  void Submit() {
    std::lock_guard lock(mutex);
    digests.emplace_back();
    queue.emplace_back(digests.size() - 1, std::move(current));
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

  const size_t max_buffers;
  std::mutex mutex;
  std::condition_variable ready;  // a chunk to hash, or stopping
  std::condition_variable space;  // a buffer came back
  std::deque<std::pair<size_t, std::unique_ptr<std::string>>> queue;  // chunk index, bytes
  std::vector<std::unique_ptr<std::string>> free;
  size_t buffers = 0;  // allocated so far
  size_t pending = 0;  // submitted, not yet hashed
  bool stopping = false;
  std::vector<Digest> digests;           // by chunk index
  std::unique_ptr<std::string> current;  // being filled, by the feeding thread only
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
  if (pool_) return pool_->Feed(bytes);
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
