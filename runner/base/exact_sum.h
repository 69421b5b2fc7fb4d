// A sum of non-negative doubles that is exact, so it does not depend on the order of the
// additions: the scorecard adds scores and inclusion weights trace by trace, and a merge of
// shards (`arbiter merge`) adds the shards' sums; both must print the figures one run prints,
// byte for byte. A double is m * 2^e (m < 2^53): Add places m's bits into a fixed-point integer
// of 32-bit digits spanning every finite double, so the integer is the exact sum, whatever the
// order. Each digit lives in a 64-bit limb, so carries are settled only every 2^31 additions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "runner/base/status.h"

namespace arbiter {

class ExactSum {
 public:
  // REQUIRES: `value` is finite and >= 0 (scores, weights and counts are).
  void Add(double value);
  void Add(const ExactSum& other);

  // The sum, rounded to a double from its top 96 bits: a function of the exact sum only.
  double Value() const;
  bool IsZero() const;

  // Text that Parse reads back: "0", or hex digits (8 per 32-bit digit, most significant first)
  // then '@' and the index of the lowest digit written. Used in a shard's state (FORMATS.md).
  std::string Text() const;
  static Result<ExactSum> Parse(std::string_view text);

  friend bool operator==(const ExactSum& a, const ExactSum& b) { return a.Text() == b.Text(); }

 private:
  // Digit i weighs 2^(32 i - kBias). kBias, a multiple of 32, puts the lowest bit of a double
  // (2^-1074) inside digit 2; 70 digits reach above the largest double with room for carries.
  static constexpr int kBias = 1152;
  static constexpr size_t kDigits = 70;
  static constexpr uint32_t kSettleEvery = 1u << 31;

  void Settle();

  std::array<uint64_t, kDigits> limbs_{};
  uint32_t unsettled_ = 0;  // additions since the last Settle
};

}  // namespace arbiter
