#include "runner/text_fingerprint.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace arbiter {
namespace {

constexpr size_t kShingleCodePoints = 3;

uint64_t Mix(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Calls `emit(shingle)` for every 3-code-point window of the normalized text. The normalized text
// lives in a per-thread buffer: fingerprints are taken once per trace, on the hot path.
template <typename Emit>
void ForEachShingle(std::string_view text, Emit&& emit) {
  thread_local std::string normal;
  thread_local std::vector<uint32_t> starts;  // byte offset of each code point in `normal`
  normal.clear();
  starts.clear();
  bool pending_space = false;
  for (unsigned char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = !normal.empty();
      continue;
    }
    if (pending_space) {
      starts.push_back(static_cast<uint32_t>(normal.size()));
      normal += ' ';
      pending_space = false;
    }
    if ((c & 0xC0) != 0x80) starts.push_back(static_cast<uint32_t>(normal.size()));
    normal += static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  }
  if (starts.empty()) return;
  starts.push_back(static_cast<uint32_t>(normal.size()));
  size_t code_points = starts.size() - 1;
  if (code_points < kShingleCodePoints) {
    emit(std::string_view(normal));
    return;
  }
  for (size_t i = 0; i + kShingleCodePoints <= code_points; ++i) {
    emit(std::string_view(normal).substr(starts[i], starts[i + kShingleCodePoints] - starts[i]));
  }
}

uint64_t HashShingle(std::string_view shingle) {
  // At most 12 bytes (three 4-byte code points) except for a malformed sequence; read as two
  // zero-padded words so the common case costs two loads and one mix.
  uint64_t words[2] = {0, 0};
  size_t head = std::min<size_t>(shingle.size(), sizeof(words));
  std::memcpy(words, shingle.data(), head);
  uint64_t hash = words[0] ^ Mix(words[1] ^ (shingle.size() * 0x9e3779b97f4a7c15ULL));
  for (size_t i = head; i < shingle.size(); ++i) {
    hash = (hash ^ static_cast<unsigned char>(shingle[i])) * 0x100000001b3ULL;
  }
  return Mix(hash);
}

}  // namespace

TextFingerprint FingerprintText(std::string_view text) {
  constexpr int kBinBits = 5;
  static_assert(kFingerprintBins == size_t{1} << kBinBits);
  std::array<uint64_t, kFingerprintBins> minimum;
  minimum.fill(std::numeric_limits<uint64_t>::max());
  bool any = false;
  ForEachShingle(text, [&](std::string_view shingle) {
    uint64_t hash = HashShingle(shingle);
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
  std::set<std::string> left, right;
  ForEachShingle(a, [&](std::string_view s) { left.emplace(s); });
  ForEachShingle(b, [&](std::string_view s) { right.emplace(s); });
  if (left.empty() || right.empty()) return 0.0;
  size_t common = 0;
  for (const std::string& s : left) common += right.count(s);
  return static_cast<double>(common) / static_cast<double>(left.size() + right.size() - common);
}

}  // namespace arbiter
