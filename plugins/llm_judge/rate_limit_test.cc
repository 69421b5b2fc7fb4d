#include "plugins/llm_judge/rate_limit.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

TEST(TokenBucketTest, UnlimitedNeverWaits) {
  TokenBucket bucket(0);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(bucket.WaitMs(0, 1e6), 0);
    bucket.Take(0, 1e6);
  }
}

TEST(TokenBucketTest, PacesToTheRatePerMinute) {
  TokenBucket bucket(120);  // 2 per second, holding at most 2
  EXPECT_EQ(bucket.WaitMs(0, 1), 0);
  bucket.Take(0, 1);
  bucket.Take(0, 1);
  // Empty: the next unit arrives after 1 / (120 / 60000 per ms) = 500 ms.
  EXPECT_DOUBLE_EQ(bucket.WaitMs(0, 1), 500);
  EXPECT_DOUBLE_EQ(bucket.WaitMs(250, 1), 250);
  EXPECT_EQ(bucket.WaitMs(500, 1), 0);
}

TEST(TokenBucketTest, LargeAmountsWaitForAFullBucketAndLeaveDebt) {
  TokenBucket bucket(6000);              // 100 per second, capacity 100
  EXPECT_EQ(bucket.WaitMs(0, 1000), 0);  // more than the capacity: a full bucket suffices
  bucket.Take(0, 1000);                  // 900 of debt
  EXPECT_DOUBLE_EQ(bucket.WaitMs(0, 1), 901 / 0.1);
  bucket.Adjust(950);  // the call used 50 tokens, not 1000
  EXPECT_EQ(bucket.WaitMs(0, 1), 0);
}

TEST(BackoffTest, FullJitterUnderADoublingCeiling) {
  RetryPolicy policy;
  policy.backoff_base_ms = 100;
  policy.backoff_cap_ms = 1000;
  std::mt19937_64 random(42);
  for (int retry = 1; retry <= 8; ++retry) {
    double ceiling = std::min(1000.0, 100.0 * (1 << (retry - 1)));
    double max_seen = 0;
    for (int i = 0; i < 200; ++i) {
      double delay = BackoffMs(retry, policy, -1, random);
      EXPECT_GE(delay, 0);
      EXPECT_LE(delay, ceiling);
      max_seen = std::max(max_seen, delay);
    }
    EXPECT_GT(max_seen, ceiling / 2) << "jitter spans the range, retry " << retry;
  }
}

TEST(BackoffTest, NeverSoonerThanRetryAfter) {
  RetryPolicy policy;
  policy.backoff_base_ms = 10;
  std::mt19937_64 random(7);
  for (int i = 0; i < 50; ++i) EXPECT_GE(BackoffMs(1, policy, 1000, random), 1000);
}

}  // namespace
}  // namespace arbiter
