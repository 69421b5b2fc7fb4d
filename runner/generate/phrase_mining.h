// Phrases that separate failing from passing traces: word n-grams of a text, folded for case
// (ASCII) and whitespace, counted once per trace, each with the set of traces that hold it. The
// `contains` and `regex` drafts come from here. Mining sees only the calibration split; the
// permutation test (candidate_search.cc) re-scores the same phrases on shuffled labels.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace arbiter {

// A set of traces as bits, one per trace of the split, in split order.
using TraceBits = std::vector<uint64_t>;

inline size_t BitWords(size_t traces) { return (traces + 63) / 64; }
inline void SetBit(TraceBits& bits, size_t i) { bits[i / 64] |= uint64_t{1} << (i % 64); }
inline bool GetBit(const TraceBits& bits, size_t i) { return (bits[i / 64] >> (i % 64)) & 1; }
size_t CountBits(const TraceBits& bits);
size_t CountCommon(const TraceBits& a, const TraceBits& b);

// The words of `text`: runs of non-whitespace (ASCII whitespace), ASCII letters lower-cased.
// With `digit_shapes`, every run of ASCII digits becomes one '#' so "[doc12]" and "[doc9]" are
// the same word "[doc#]".
std::vector<std::string> FoldedWords(std::string_view text, bool digit_shapes);

struct Phrase {
  std::string text;  // folded words joined by one space
  int words = 0;
  TraceBits traces;  // the calibration traces that hold it
  size_t support = 0;
};

struct MiningOptions {
  int max_words = 4;
  // A phrase must be held by at least this many traces, and missed by at least as many (a
  // phrase in every trace separates nothing).
  size_t min_support = 3;
  // Only phrases with a digit shape ('#'): the `regex` family.
  bool digit_shapes = false;
};

// Every phrase of `texts` (one per calibration trace) within the options. Phrases held by the
// same traces are one candidate to the search: the longest is kept (then the first in byte
// order), since it says the most about what the failing answers share. Sorted by text.
std::vector<Phrase> MinePhrases(const std::vector<std::string_view>& texts,
                                const MiningOptions& options);

// Log-odds ratio of a phrase between failing and passing traces with a symmetric prior of 0.5
// per cell, divided by its standard error (a z-score): positive when the phrase marks failures.
// `held_fail` of `fails` failing traces hold it, `held_pass` of `passes` passing ones.
double LogOddsZ(size_t held_fail, size_t fails, size_t held_pass, size_t passes);

// A RE2 pattern for a folded phrase: '#' becomes \d+, runs of spaces \s+, other punctuation
// escaped, with \b at an end that is a word character. Used with case_insensitive: true.
std::string PhrasePattern(std::string_view phrase);

}  // namespace arbiter
