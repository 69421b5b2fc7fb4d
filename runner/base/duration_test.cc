#include "runner/base/duration.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

TEST(DurationTest, UnitsAndSums) {
  EXPECT_EQ(*ParseDurationMs("500ms"), 500u);
  EXPECT_EQ(*ParseDurationMs("30s"), 30000u);
  EXPECT_EQ(*ParseDurationMs("10m"), 600000u);
  EXPECT_EQ(*ParseDurationMs("1h"), 3600000u);
  EXPECT_EQ(*ParseDurationMs("1d"), 86400000u);
  EXPECT_EQ(*ParseDurationMs("1h30m"), 5400000u);
}

TEST(DurationTest, BadTextNamesItself) {
  for (const char* text : {"", "30", "s", "5x", "1.5h", "-1s", "99999999999999999999h"}) {
    Result<uint64_t> parsed = ParseDurationMs(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_NE(parsed.status().message().find(std::string("'") + text + "'"), std::string::npos)
        << parsed.status().message();
  }
}

}  // namespace
}  // namespace arbiter
