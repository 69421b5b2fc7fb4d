#include "runner/redact/secret_checks.h"

#include <array>
#include <cmath>

#include "runner/base/ascii.h"

namespace arbiter {
namespace {

// Thresholds, measured by bench/redact_secret_thresholds.py (seeded, 4,000 samples of each kind):
// random base62 and base64url tokens of 24 to 64 characters; identifiers of 3-7 programming
// words ("payment", "Reader", "v2", "2024", "x86") in camelCase, PascalCase, snake_case and
// kebab-case; '/'-joined paths of such words; base64 of English sentences.
//
// - Entropy alone does not separate words from keys. Random 24-character tokens have at least
//   3.60 bits per character (1st percentile 3.89; 4.20 at 32 characters, 4.90 at 64), but
//   camelCase identifiers have a median of 3.93 and a 95th percentile of 4.23: with the three
//   character classes, a threshold of 3.7 still takes 37% of them, 4.0 takes 22% (and already
//   misses 6% of random 24-character tokens). 3.5, below every random token measured, is kept
//   to drop repetitive strings ("aaaaBBBB1111aaaaBBBB1111" has 1.58).
// - Word coverage separates them: identifiers and paths have a median of 0.86-0.94 and a 5th
//   percentile of 0.69-0.76; random tokens a median of 0.21-0.27 and a 95th percentile of
//   0.45-0.54. The cut is at 0.6.
// - Requiring digits and both cases drops 1.6% of random 24-character tokens, 0.4% at 32.
//
// Together: 0.2-0.4% of identifiers and paths are taken for secrets; 96-97% of random
// 24-character tokens are found, 98% at 32, 99.3% at 48. Base64 of ordinary text is found too
// (99%): it cannot be told from a key by its characters, and may hide one (Basic credentials,
// a config file); annotators lose nothing they could read. On the bundled demo traces (1,002
// distinct candidates: model names, German compounds, hex trace ids) it finds none.
constexpr double kMinEntropyBits = 3.5;
constexpr double kMaxWordCoverage = 0.6;

bool IsHex(char c) { return IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Ids of the LLM APIs' own objects (completions, tool calls, messages, runs, files) that fill
// trace fields: random, but public handles rather than credentials.
constexpr std::string_view kObjectIdPrefixes[] = {
    "chatcmpl-", "call_", "msg_",    "toolu_", "srvtoolu_", "req_",  "resp_",
    "run_",      "step_", "thread_", "asst_",  "batch_",    "file-", "file_"};

bool StartsWithObjectId(std::string_view text) {
  for (std::string_view prefix : kObjectIdPrefixes) {
    if (text.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

}  // namespace

double ShannonEntropy(std::string_view text) {
  if (text.empty()) return 0;
  std::array<size_t, 256> counts{};
  for (char c : text) ++counts[static_cast<unsigned char>(c)];
  double bits = 0;
  double n = static_cast<double>(text.size());
  for (size_t count : counts) {
    if (count == 0) continue;
    double p = static_cast<double>(count) / n;
    bits -= p * std::log2(p);
  }
  return bits;
}

double WordCoverage(std::string_view text) {
  if (text.empty()) return 0;
  // The matches of [A-Z]?[a-z]{3,}|[A-Z]{4,}, leftmost first, as the measurements counted them.
  auto run = [&](size_t from, bool (*in)(char)) {
    size_t end = from;
    while (end < text.size() && in(text[end])) ++end;
    return end - from;
  };
  size_t covered = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t match = 0;
    if (IsAsciiUpper(text[i]) && run(i + 1, IsAsciiLower) >= 3) {
      match = 1 + run(i + 1, IsAsciiLower);
    } else if (IsAsciiLower(text[i]) && run(i, IsAsciiLower) >= 3) {
      match = run(i, IsAsciiLower);
    } else if (run(i, IsAsciiUpper) >= 4) {
      match = run(i, IsAsciiUpper);
    }
    covered += match;
    i += match > 0 ? match : 1;
  }
  return static_cast<double>(covered) / static_cast<double>(text.size());
}

bool IsHighEntropySecret(std::string_view candidate) {
  while (!candidate.empty() && candidate.back() == '=') candidate.remove_suffix(1);
  if (candidate.size() < kMinSecretLength || candidate.front() == '/') return false;
  if (StartsWithObjectId(candidate)) return false;
  bool upper = false, lower = false, digit = false, all_hex = true;
  for (char c : candidate) {
    upper = upper || IsAsciiUpper(c);
    lower = lower || IsAsciiLower(c);
    digit = digit || IsAsciiDigit(c);
    all_hex = all_hex && (IsHex(c) || c == '-');
  }
  if (!upper || !lower || !digit || all_hex) return false;
  return ShannonEntropy(candidate) >= kMinEntropyBits && WordCoverage(candidate) < kMaxWordCoverage;
}

}  // namespace arbiter
