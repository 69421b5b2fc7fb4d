#include "runner/base/exact_sum.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace arbiter {
namespace {
constexpr uint64_t kMask = 0xffffffffu;
}  // namespace

void ExactSum::Add(double value) {
  if (!(value > 0) || !std::isfinite(value)) return;
  // The IEEE fields, read directly (frexp and ldexp cost more than the rest): value is
  // mantissa * 2^(exponent - 1075) for a normal number, mantissa * 2^-1074 for a subnormal one.
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof(bits));
  const int biased = static_cast<int>(bits >> 52);  // the sign bit is 0
  uint64_t mantissa = bits & ((uint64_t{1} << 52) - 1);
  int position = kBias - 1074;  // weight of the mantissa's lowest bit, from digit 0
  if (biased > 0) {
    mantissa |= uint64_t{1} << 52;
    position = biased - 1075 + kBias;
  }
  size_t digit = static_cast<size_t>(position / 32);
  unsigned __int128 shifted = static_cast<unsigned __int128>(mantissa) << (position % 32);
  limbs_[digit] += static_cast<uint64_t>(shifted) & kMask;
  limbs_[digit + 1] += static_cast<uint64_t>(shifted >> 32) & kMask;
  limbs_[digit + 2] += static_cast<uint64_t>(shifted >> 64);
  if (++unsettled_ >= kSettleEvery) Settle();
}

void ExactSum::Add(const ExactSum& other) {
  ExactSum settled = other;
  settled.Settle();
  Settle();
  for (size_t i = 0; i < kDigits; ++i) limbs_[i] += settled.limbs_[i];
  Settle();
}

void ExactSum::Settle() {
  uint64_t carry = 0;
  for (uint64_t& limb : limbs_) {
    limb += carry;
    carry = limb >> 32;
    limb &= kMask;
  }
  unsettled_ = 0;
}

bool ExactSum::IsZero() const {
  for (uint64_t limb : limbs_) {
    if (limb) return false;
  }
  return true;
}

double ExactSum::Value() const {
  ExactSum settled = *this;
  settled.Settle();
  size_t top = kDigits;
  while (top > 0 && settled.limbs_[top - 1] == 0) --top;
  if (top == 0) return 0.0;
  size_t i = top - 1;
  unsigned __int128 head = settled.limbs_[i];
  int low = static_cast<int>(i);
  for (int k = 0; k < 2 && low > 0; ++k) head = (head << 32) | settled.limbs_[--low];
  return std::ldexp(static_cast<double>(head), 32 * low - kBias);
}

std::string ExactSum::Text() const {
  ExactSum settled = *this;
  settled.Settle();
  size_t top = kDigits, bottom = 0;
  while (top > 0 && settled.limbs_[top - 1] == 0) --top;
  if (top == 0) return "0";
  while (settled.limbs_[bottom] == 0) ++bottom;
  std::string text;
  for (size_t i = top; i-- > bottom;) {
    char digit[9];
    std::snprintf(digit, sizeof(digit), "%08x", static_cast<unsigned>(settled.limbs_[i]));
    text += digit;
  }
  return text + "@" + std::to_string(bottom);
}

Result<ExactSum> ExactSum::Parse(std::string_view text) {
  ExactSum sum;
  if (text == "0") return sum;
  auto bad = [&] { return Status::Corruption("not an exact sum: '" + std::string(text) + "'"); };
  size_t at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at % 8 != 0) return bad();
  size_t bottom = 0;
  for (char c : text.substr(at + 1)) {
    if (c < '0' || c > '9' || bottom > kDigits) return bad();
    bottom = bottom * 10 + static_cast<size_t>(c - '0');
  }
  size_t digits = at / 8;
  if (at + 1 == text.size() || bottom + digits > kDigits) return bad();
  for (size_t d = 0; d < digits; ++d) {
    uint64_t value = 0;
    for (char c : text.substr(d * 8, 8)) {
      int nibble = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (nibble < 0) return bad();
      value = value * 16 + static_cast<uint64_t>(nibble);
    }
    sum.limbs_[bottom + digits - 1 - d] = value;
  }
  return sum;
}

}  // namespace arbiter
