// The content hash of a run's inputs (scorecard.json's `inputs`). Two constructions:
// - sha256_chunks (the default): the SHA-256 of the concatenated 32-byte SHA-256 digests of the
//   input's consecutive 1 MiB chunks (the last may be shorter; an empty input has no chunk, so
//   its hash is the SHA-256 of nothing). Chunks hash on several threads, so the hash keeps pace
//   with the scoring on many cores, where a plain SHA-256 (about 1 GB/s on one core) caps a run.
//   From a shell: `split -b 1M --filter 'sha256sum | head -c 64 | xxd -r -p' F | sha256sum`.
// - sha256: the plain SHA-256 of the bytes, as `sha256sum` prints it (`run --input-hash sha256`);
//   one thread.
// Both are of the bytes after gzip decompression, so a file and its .gz name the same content.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/status.h"

namespace arbiter {

enum class InputHashKind { kSha256Chunks, kSha256 };

// Which hash a reader keeps, and on how many threads (InputHasher).
struct InputHashSpec {
  InputHashKind kind = InputHashKind::kSha256Chunks;
  size_t threads = 1;
};

inline constexpr size_t kInputHashChunkBytes = 1 << 20;

// The name of the construction, which is also the key of the hash in scorecard.json's `inputs`
// and on the command line: "sha256_chunks", "sha256".
const char* InputHashName(InputHashKind kind);
std::optional<InputHashKind> ParseInputHashKind(std::string_view name);

// The hash of a byte stream fed in pieces of any size; the result depends only on the bytes.
class InputHasher {
 public:
  // `threads`: sha256_chunks hashes its chunks on up to this many threads of its own (0 or 1: on
  // the caller's thread, without copying). Memory: at most 2 * threads chunks in flight.
  InputHasher(InputHashKind kind, size_t threads);
  ~InputHasher();
  InputHasher(const InputHasher&) = delete;
  InputHasher& operator=(const InputHasher&) = delete;

  void Update(std::string_view bytes);
  // The same for bytes that `owner` keeps alive: the hashing threads read them where they are,
  // holding `owner` until then, instead of the caller copying them into a chunk (the read stage
  // of `arbiter run` hands over the blocks it read, base/block_reader.h).
  void Update(std::shared_ptr<const void> owner, std::string_view bytes);
  // Lowercase hex of everything passed to Update. Call once, after the last Update.
  std::string Finish();

 private:
  struct Pool;
  void CloseChunk();

  InputHashKind kind_;
  void* running_;  // EVP_MD_CTX: the whole input (sha256) or the current chunk (inline chunks)
  size_t chunk_fill_ = 0;                               // bytes of the current chunk so far
  std::vector<std::array<unsigned char, 32>> digests_;  // inline chunks
  std::unique_ptr<Pool> pool_;                          // threaded chunks
};

// The hash of a whole byte string.
std::string InputHashHex(InputHashKind kind, std::string_view bytes, size_t threads = 1);
// The hash of a file's bytes as they are on disk (no decompression): a plain file's input hash.
Result<std::string> FileInputHash(InputHashKind kind, const std::string& path, size_t threads = 1);

// CPU seconds spent so far by the hashing threads of every InputHasher in this process: the
// hash's share of a run for `run --stage-times`.
double InputHashThreadCpuSeconds();

}  // namespace arbiter
