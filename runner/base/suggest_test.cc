// "did you mean": the closest name within two edits, the first of equals, none past the bound.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runner/base/suggest.h"

namespace arbiter {
namespace {

TEST(ClosestNameTest, WithinTwoEditsTheClosestFirstOfEquals) {
  const std::vector<std::string> commands = {"run", "validate", "merge", "gate", "triage"};
  EXPECT_EQ(ClosestName("rnu", commands), "run");
  EXPECT_EQ(ClosestName("validat", commands), "validate");
  EXPECT_EQ(ClosestName("gates", commands), "gate");
  EXPECT_EQ(ClosestName("mergee", commands), "merge");
  EXPECT_EQ(ClosestName("serve", commands), "merge");  // two edits
  EXPECT_EQ(ClosestName("calibrate", commands), "");
  EXPECT_EQ(ClosestName("", commands), "");
  EXPECT_EQ(ClosestName("ab", {"abcd", "ab1"}), "ab1");  // one edit beats two
  EXPECT_EQ(ClosestName("ab", {"abcd", "abce"}), "abcd");
}

TEST(ClosestNameTest, TheLengthPruneKeepsEveryNameWithinReach) {
  // Names three lengths apart are skipped unmeasured; two apart can still be two edits away.
  EXPECT_EQ(ClosestName("no-pii.yaml", {"no-pii.yaml.orig"}), "");
  EXPECT_EQ(ClosestName("no-pii.yaml", {"no-pii.yml"}), "no-pii.yml");
  EXPECT_EQ(ClosestName("no-pii.yaml", {"no-pii.yaml~~"}), "no-pii.yaml~~");
}

}  // namespace
}  // namespace arbiter
