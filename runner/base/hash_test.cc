// Hash64 values are part of the outputs (the sampler's picks, triage's order, the held-out
// split): they are pinned here, so a change of library or seed handling shows as a failure.
#include "runner/base/hash.h"

#include <string>
#include <unordered_set>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace arbiter
