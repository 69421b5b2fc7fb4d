#include "runner/triage/text_fingerprint.h"

#include <algorithm>
#include <limits>
#include <set>

namespace arbiter {
namespace {

constexpr size_t kShingleCodePoints = 3;

uint64_t Mix(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Calls `emit(a, b, c)` for every window of three code points of the normalized text, each code
// point as its UTF-8 bytes packed into a word (so no decoding and no buffer: this runs once per
// trace on the hot path). A text of one or two code points is one window padded with zeros.
template <typename Emit>
void ForEachShingle(std::string_view text, Emit&& emit) {
  uint32_t window[3] = {0, 0, 0};
  size_t count = 0;
  bool pending_space = false;
  auto push = [&](uint32_t code_point) {
    window[0] = window[1];
    window[1] = window[2];
    window[2] = code_point;
    if (++count >= kShingleCodePoints) emit(window[0], window[1], window[2]);
  };
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = count > 0;
      ++i;
      continue;
    }
    if (pending_space) {
      push(' ');
      pending_space = false;
    }
    size_t length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    length = std::min(length, text.size() - i);
    uint32_t packed = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    for (size_t k = 1; k < length; ++k) {
      packed = packed << 8 | static_cast<unsigned char>(text[i + k]);
    }
    push(packed);
    i += length;
  }
  if (count > 0 && count < kShingleCodePoints) emit(window[0], window[1], window[2]);
}

uint64_t HashShingle(uint32_t a, uint32_t b, uint32_t c) {
  return Mix((uint64_t{a} << 32 | b) * 0x9e3779b97f4a7c15ULL ^ uint64_t{c} * 0xc2b2ae3d27d4eb4fULL);
}

}  // namespace

TextFingerprint FingerprintText(std::string_view text) {
  constexpr int kBinBits = 5;
  static_assert(kFingerprintBins == size_t{1} << kBinBits);
  std::array<uint64_t, kFingerprintBins> minimum;
  minimum.fill(std::numeric_limits<uint64_t>::max());
  bool any = false;
  ForEachShingle(text, [&](uint32_t a, uint32_t b, uint32_t c) {
    uint64_t hash = HashShingle(a, b, c);
    uint64_t& bin = minimum[hash >> (64 - kBinBits)];
    bin = std::min(bin, hash & (~uint64_t{0} >> kBinBits));
    any = true;
  });
  TextFingerprint fingerprint;
  if (!any) return fingerprint;
  fingerprint.empty = false;
  for (size_t i = 0; i < kFingerprintBins; ++i) {
    // An empty bin borrows from the next non-empty one to its right (circularly), mixed with the
    // distance so that two texts agree on it only when they agree on the source and the gap.
    size_t distance = 0;
    while (minimum[(i + distance) % kFingerprintBins] == std::numeric_limits<uint64_t>::max()) {
      ++distance;
    }
    uint64_t value = minimum[(i + distance) % kFingerprintBins];
    fingerprint.bins[i] = static_cast<uint8_t>(distance == 0 ? value : Mix(value + distance));
  }
  return fingerprint;
}

double FingerprintSimilarity(const TextFingerprint& a, const TextFingerprint& b) {
  if (a.empty || b.empty) return 0.0;
  size_t equal = 0;
  for (size_t i = 0; i < kFingerprintBins; ++i) equal += a.bins[i] == b.bins[i];
  // Unrelated 8-bit values agree by chance 1 time in 256: remove that share.
  constexpr double kChance = 1.0 / 256;
  double share = static_cast<double>(equal) / kFingerprintBins;
  return std::clamp((share - kChance) / (1 - kChance), 0.0, 1.0);
}

double ExactShingleSimilarity(std::string_view a, std::string_view b) {
  using Shingle = std::array<uint32_t, 3>;
  std::set<Shingle> left, right;
  ForEachShingle(a, [&](uint32_t x, uint32_t y, uint32_t z) { left.insert({x, y, z}); });
  ForEachShingle(b, [&](uint32_t x, uint32_t y, uint32_t z) { right.insert({x, y, z}); });
  if (left.empty() || right.empty()) return 0.0;
  size_t common = 0;
  for (const Shingle& s : left) common += right.count(s);
  return static_cast<double>(common) / static_cast<double>(left.size() + right.size() - common);
}

}  // namespace arbiter
