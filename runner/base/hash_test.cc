// Hash64 values are part of the outputs (the sampler's picks, triage's order, the held-out
// split): they are pinned here, so a change of library or seed handling shows as a failure.
#include "runner/base/hash.h"

#include <cstdio>
#include <string>
#include <unordered_set>

#include <gtest/gtest.h>
#include <xxhash.h>

namespace arbiter {
namespace {

TEST(Hash64Test, IsXxh3AndStable) {
  EXPECT_EQ(Hash64(""), 0x2d06800538d394c2ULL);
  EXPECT_EQ(Hash64("t-000128"), 0x1aeeea64fb59ac6eULL);
  EXPECT_EQ(Hash64("{\"trace_id\": \"a\"}"), 0xccbbb0fa8fdf6901ULL);
  // Seeded (the sampler's priorities); seed 0 is the unseeded hash.
  EXPECT_EQ(Hash64("{\"trace_id\": \"a\"}", 42), 0x8795efa5ad68f4d4ULL);
  EXPECT_EQ(Hash64("t-000128", 0), Hash64("t-000128"));
}

TEST(Hash64Test, KeysThatDifferInTheirLastCharacterLandFarApart) {
  uint64_t a = Hash64("t-000128"), b = Hash64("t-000129");
  EXPECT_EQ(b, 0xc575a7cb6fa6316cULL);
  EXPECT_GE(__builtin_popcountll(a ^ b), 16);
}

TEST(StringHashTest, LooksUpStringsByView) {
  std::unordered_set<std::string, StringHash, std::equal_to<>> ids = {"t-1", "t-2"};
  EXPECT_NE(ids.find(std::string_view("t-2")), ids.end());
  EXPECT_EQ(ids.find(std::string_view("t-3")), ids.end());
  EXPECT_EQ(StringHash{}("t-1"), static_cast<size_t>(Hash64("t-1")));
}

TEST(SpanDigestTest, IsXxh3OneHundredTwentyEightOverThePiecesTogether) {
  EXPECT_EQ(SpanDigest().Hex(), "99aa06d3014798d86001c324468d497f");  // XXH3-128 of nothing
  const std::string rows(100000, 'r');
  SpanDigest pieces;
  for (size_t at = 0; at < rows.size(); at += 7777) pieces.Update(rows.substr(at, 7777));
  XXH128_hash_t whole = XXH3_128bits(rows.data(), rows.size());
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(whole.high64),
                static_cast<unsigned long long>(whole.low64));
  EXPECT_EQ(pieces.Hex(), hex);
  // One byte changed in place, the length kept: another digest.
  std::string edited = rows;
  edited[54321] = 's';
  SpanDigest other;
  other.Update(edited);
  EXPECT_NE(other.Hex(), pieces.Hex());
  SpanDigest moved = std::move(other);
  EXPECT_EQ(moved.Hex().size(), 32u);
}

}  // namespace
}  // namespace arbiter
