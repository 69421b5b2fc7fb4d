// Flesch reading ease (Flesch 1948): 206.835 - 1.015 * words/sentences - 84.6 * syllables/words.
// The readability example plugin's arithmetic, apart from the plugin so that the benchmark can
// build the same scoring as a built-in evaluator.
#pragma once

#include <string>
#include <string_view>

namespace readability {

struct TextCounts {
  int words = 0;
  int sentences = 0;
  int syllables = 0;
};

// Words are runs of ASCII letters (apostrophes inside a word kept); a sentence ends at a run of
// '.', '!' or '?' after a word, and text that does not end with one still counts as one.
// Syllables per word: groups of vowels (a e i o u y), less a final silent 'e' (not "-le"), at
// least one. An English heuristic: other scripts count no words.
TextCounts Count(std::string_view text);

// The reading ease of `counts` (words > 0): higher is easier; 60-70 is plain English.
double ReadingEase(const TextCounts& counts);

// The score the plugin reports: reading ease clamped to [0, 100], divided by 100.
double EaseScore(double ease);

// "reading ease 64.2 (120 words, 8 sentences, 170 syllables)".
std::string Reason(const TextCounts& counts, double ease);

}  // namespace readability
