// The input hash: sha256_chunks is the SHA-256 of the chunks' SHA-256 digests, whatever the
// thread count and however the bytes are fed; sha256 is the plain digest.
#include "runner/base/input_hash.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "runner/base/sha256.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

// The construction as FORMATS.md states it, from the plain digest alone.
std::string ChunksByDefinition(const std::string& bytes) {
  std::string digests;
  for (size_t at = 0; at < bytes.size(); at += kInputHashChunkBytes) {
    std::string hex = Sha256Hex(std::string_view(bytes).substr(at, kInputHashChunkBytes));
    for (size_t i = 0; i < hex.size(); i += 2) {
      digests.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
  }
  return Sha256Hex(digests);
}

std::string RandomBytes(size_t size) {
  std::mt19937_64 random(7);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

TEST(InputHashTest, ChunksMatchTheDefinitionForAnyThreadsAndPieces) {
  // Sizes around the chunk boundary: empty, short, exact multiples, one byte over.
  for (size_t size : {size_t{0}, size_t{5}, kInputHashChunkBytes, kInputHashChunkBytes + 1,
                      3 * kInputHashChunkBytes, 5 * kInputHashChunkBytes + 12345}) {
    const std::string bytes = RandomBytes(size);
    const std::string expected = ChunksByDefinition(bytes);
    for (size_t threads : {size_t{0}, size_t{1}, size_t{2}, size_t{4}}) {
      for (size_t piece : {size_t{1000}, size_t{65536}, size_t{3 << 20}}) {
        InputHasher hasher(InputHashKind::kSha256Chunks, threads);
        for (size_t at = 0; at < bytes.size(); at += piece) {
          hasher.Update(std::string_view(bytes).substr(at, piece));
        }
        EXPECT_EQ(hasher.Finish(), expected)
            << size << " bytes, " << threads << " threads, pieces of " << piece;
      }
    }
  }
}

// Bytes handed over with their owner (a plain file's blocks) are hashed where they lie, on the
// hashing threads, which hold the owner until then; mixed with copied bytes, in pieces of any
// size across the chunks, they hash as the bytes do.
TEST(InputHashTest, OwnedPiecesHashAsTheirBytes) {
  const std::string bytes = RandomBytes(3 * kInputHashChunkBytes + 12345);
  const std::string expected = ChunksByDefinition(bytes);
  for (size_t threads : {size_t{1}, size_t{3}}) {
    InputHasher hasher(InputHashKind::kSha256Chunks, threads);
    size_t at = 0;
    for (size_t i = 0; at < bytes.size(); ++i) {
      const size_t piece = std::min(bytes.size() - at, (i * 7919 * 13) % 700000 + 1);
      if (i % 3 == 0) {
        hasher.Update(std::string_view(bytes).substr(at, piece));
      } else {
        auto owner = std::make_shared<const std::string>(bytes.substr(at, piece));
        hasher.Update(owner, *owner);  // the only holder once this scope ends
      }
      at += piece;
    }
    EXPECT_EQ(hasher.Finish(), expected) << threads << " threads";
  }
}

TEST(InputHashTest, AnEmptyInputIsTheDigestOfNothing) {
  EXPECT_EQ(InputHashHex(InputHashKind::kSha256Chunks, "", 3), Sha256Hex(""));
}

TEST(InputHashTest, PlainIsSha256sumAndDiffersFromChunks) {
  const std::string bytes = RandomBytes(2 * kInputHashChunkBytes + 7);
  EXPECT_EQ(InputHashHex(InputHashKind::kSha256, bytes, 4), Sha256Hex(bytes));
  // A one-chunk input still differs: the chunked hash hashes the digest once more.
  EXPECT_NE(InputHashHex(InputHashKind::kSha256Chunks, "abc"), Sha256Hex("abc"));
  EXPECT_EQ(InputHashHex(InputHashKind::kSha256Chunks, "abc"), ChunksByDefinition("abc"));
}

TEST(InputHashTest, AFileHashesAsItsBytes) {
  testing::TempDir dir;
  const std::string bytes = RandomBytes(kInputHashChunkBytes + 99);
  auto path = dir.Write("input.bin", bytes);
  Result<std::string> chunks = FileInputHash(InputHashKind::kSha256Chunks, path.string(), 2);
  ASSERT_TRUE(chunks.ok()) << chunks.status().message();
  EXPECT_EQ(*chunks, ChunksByDefinition(bytes));
  EXPECT_FALSE(FileInputHash(InputHashKind::kSha256, (dir.path() / "missing").string()).ok());
}

TEST(InputHashTest, NamesRoundTrip) {
  for (InputHashKind kind : {InputHashKind::kSha256Chunks, InputHashKind::kSha256}) {
    EXPECT_EQ(ParseInputHashKind(InputHashName(kind)), kind);
  }
  EXPECT_FALSE(ParseInputHashKind("md5").has_value());
}

TEST(InputHashTest, AHasherDestroyedUnfinishedStopsItsThreads) {
  const double before = InputHashThreadCpuSeconds();
  {
    InputHasher hasher(InputHashKind::kSha256Chunks, 3);
    hasher.Update(RandomBytes(4 * kInputHashChunkBytes));
    // No Finish: the destructor must join the threads without hanging.
  }
  // Each hashing thread adds its CPU time as it ends: the threads hashed the chunks and ended.
  EXPECT_GT(InputHashThreadCpuSeconds(), before);
}

}  // namespace
}  // namespace arbiter
