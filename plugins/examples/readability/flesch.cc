#include "plugins/examples/readability/flesch.h"

#include <algorithm>
#include <cstdio>

namespace readability {
namespace {

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsVowel(char c) {
  switch (c | 0x20) {  // ASCII lower case
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
    case 'y':
      return true;
    default:
      return false;
  }
}

int Syllables(std::string_view word) {
  int groups = 0;
  bool previous_vowel = false;
  for (char c : word) {
    bool vowel = IsVowel(c);
    groups += vowel && !previous_vowel;
    previous_vowel = vowel;
  }
  size_t n = word.size();
  bool silent_e = n > 2 && (word[n - 1] | 0x20) == 'e' && !IsVowel(word[n - 2]) &&
                  !((word[n - 2] | 0x20) == 'l' && !IsVowel(word[n - 3]));
  if (silent_e) --groups;
  return std::max(groups, 1);
}

}  // namespace

TextCounts Count(std::string_view text) {
  TextCounts counts;
  bool open_sentence = false;  // a word seen since the last sentence end
  size_t i = 0;
  while (i < text.size()) {
    if (IsLetter(text[i])) {
      size_t start = i;
      while (i < text.size() && (IsLetter(text[i]) || (text[i] == '\'' && i + 1 < text.size() &&
                                                       IsLetter(text[i + 1])))) {
        ++i;
      }
      ++counts.words;
      counts.syllables += Syllables(text.substr(start, i - start));
      open_sentence = true;
      continue;
    }
    if ((text[i] == '.' || text[i] == '!' || text[i] == '?') && open_sentence) {
      ++counts.sentences;
      open_sentence = false;
    }
    ++i;
  }
  if (open_sentence) ++counts.sentences;
  return counts;
}

double ReadingEase(const TextCounts& counts) {
  return 206.835 - 1.015 * counts.words / counts.sentences - 84.6 * counts.syllables / counts.words;
}

double EaseScore(double ease) { return std::clamp(ease, 0.0, 100.0) / 100.0; }

std::string Reason(const TextCounts& counts, double ease) {
  char text[128];
  std::snprintf(text, sizeof(text), "reading ease %.1f (%d words, %d sentences, %d syllables)",
                ease, counts.words, counts.sentences, counts.syllables);
  return text;
}

}  // namespace readability
