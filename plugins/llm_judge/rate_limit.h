// Pacing and retry timing for HTTP calls: token buckets for requests- and tokens-per-minute
// limits, and exponential backoff with full jitter that honours Retry-After.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>

namespace arbiter {

// A bucket refilled continuously at `per_minute / 60` units a second, holding at most one
// second's worth (so a run starts without a burst that a provider would answer with 429s).
// A limit of 0 is unlimited. Not thread-safe: owned by the event loop.
class TokenBucket {
 public:
  explicit TokenBucket(double per_minute = 0) { Reset(per_minute); }

  void Reset(double per_minute) {
    rate_per_ms_ = per_minute / 60000.0;
    capacity_ = std::max(1.0, per_minute / 60.0);
    tokens_ = capacity_;
  }
  bool unlimited() const { return rate_per_ms_ <= 0; }

  // Milliseconds until `amount` can be taken at `now_ms` (0: now). An amount larger than the
  // capacity waits for a full bucket, so a big request is slowed, never starved.
  double WaitMs(double now_ms, double amount) {
    if (unlimited()) return 0;
    Refill(now_ms);
    double need = std::min(amount, capacity_);
    return tokens_ >= need ? 0.0 : (need - tokens_) / rate_per_ms_;
  }
  void Take(double now_ms, double amount) {
    if (unlimited()) return;
    Refill(now_ms);
    tokens_ -= amount;  // may go negative: the debt delays the next call
  }
  // Gives back what an estimate overcharged (or charges what it missed).
  void Adjust(double refund) {
    if (!unlimited()) tokens_ = std::min(capacity_, tokens_ + refund);
  }

 private:
  void Refill(double now_ms) {
    if (last_ms_ >= 0 && now_ms > last_ms_) {
      tokens_ = std::min(capacity_, tokens_ + (now_ms - last_ms_) * rate_per_ms_);
    }
    if (now_ms > last_ms_) last_ms_ = now_ms;
  }

  double rate_per_ms_ = 0;
  double capacity_ = 1;
  double tokens_ = 1;
  double last_ms_ = -1;
};

struct RetryPolicy {
  int max_attempts = 5;          // first try included
  double backoff_base_ms = 500;  // the first retry waits up to this long
  double backoff_cap_ms = 30000;
  long timeout_ms = 60000;  // per attempt
};

// Delay before retry number `retry` (1 for the first retry): full jitter, uniform in
// The longest Retry-After honoured. A server asking for more (Retry-After: 100000 stalled a run
// for 28 hours) gets no retry: the call ends as an error row that says so.
inline constexpr double kMaxRetryAfterMs = 60'000;

// [0, min(cap, base * 2^(retry-1))], and never less than the server's Retry-After
// (`retry_after_ms` < 0 when it sent none).
inline double BackoffMs(int retry, const RetryPolicy& policy, double retry_after_ms,
                        std::mt19937_64& random) {
  double ceiling = policy.backoff_base_ms;
  for (int i = 1; i < retry && ceiling < policy.backoff_cap_ms; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, policy.backoff_cap_ms);
  double jitter = std::uniform_real_distribution<double>(0.0, ceiling)(random);
  return std::max(jitter, retry_after_ms);
}

}  // namespace arbiter
