// A fixed-size sketch of a short text for estimating how alike two texts are: the Jaccard
// similarity of their sets of character 3-shingles (three code points), estimated from
// one-permutation MinHash (Li, Owen & Zhang 2012) with rotation densification for empty bins
// (Shrivastava & Li 2014), keeping the low 8 bits of each bin's minimum (b-bit MinHash, Li &
// König 2010). 32 bytes per text instead of the text itself: `arbiter triage` keeps one per trace
// and compares a session's consecutive turns only at the end of its pass.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace arbiter {

inline constexpr size_t kFingerprintBins = 32;

struct TextFingerprint {
  std::array<uint8_t, kFingerprintBins> bins{};
  bool empty = true;  // no shingles: the text was empty or all whitespace
};

// Shingles are taken after folding ASCII letters to lower case and whitespace runs to one
// space (trimmed at both ends); a text of one or two code points is a single shingle.
TextFingerprint FingerprintText(std::string_view text);

// The estimated Jaccard similarity in [0, 1]; 0 when either text was empty. The standard error
// is about sqrt(J (1 - J) / 32), 0.09 at J = 0.5: good enough to tell a re-asked question
// (J >= 0.7 for the same request with another order number) from a new one (J <= 0.2).
double FingerprintSimilarity(const TextFingerprint& a, const TextFingerprint& b);

// The exact Jaccard similarity of the two texts' shingle sets (for tests and small inputs).
double ExactShingleSimilarity(std::string_view a, std::string_view b);

}  // namespace arbiter
