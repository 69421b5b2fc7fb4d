#include "runner/generate/phrase_mining.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <unordered_map>

#include "runner/base/hash.h"

namespace arbiter {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '#';
}

// Where the first occurrence of an n-gram was seen, and the traces that hold it.
struct Occurrence {
  uint32_t trace = 0;
  uint32_t start = 0;
  int words = 0;
  std::vector<uint32_t> traces;
};

}  // namespace

size_t CountBits(const TraceBits& bits) {
  size_t n = 0;
  for (uint64_t w : bits) n += static_cast<size_t>(std::popcount(w));
  return n;
}

size_t CountCommon(const TraceBits& a, const TraceBits& b) {
  size_t n = 0;
  for (size_t i = 0; i < a.size(); ++i) n += static_cast<size_t>(std::popcount(a[i] & b[i]));
  return n;
}

std::vector<std::string> FoldedWords(std::string_view text, bool digit_shapes) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i >= text.size()) break;
    std::string word;
    while (i < text.size() && !IsSpace(text[i])) {
      char c = text[i];
      if (digit_shapes && IsDigit(c)) {
        while (i < text.size() && IsDigit(text[i])) ++i;
        word += '#';
        continue;
      }
      word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      ++i;
    }
    words.push_back(std::move(word));
  }
  return words;
}

std::vector<Phrase> MinePhrases(const std::vector<std::string_view>& texts,
                                const MiningOptions& options) {
  // Words are interned so an n-gram is a short run of ids, hashed as bytes.
  std::unordered_map<std::string, uint32_t> ids;
  std::vector<std::string> names;
  std::vector<bool> shaped;  // the word holds a digit shape
  std::vector<std::vector<uint32_t>> documents(texts.size());
  for (size_t t = 0; t < texts.size(); ++t) {
    for (std::string& word : FoldedWords(texts[t], options.digit_shapes)) {
      auto [it, added] = ids.emplace(word, static_cast<uint32_t>(names.size()));
      if (added) {
        shaped.push_back(word.find('#') != std::string::npos);
        names.push_back(std::move(word));
      }
      documents[t].push_back(it->second);
    }
  }
  std::unordered_map<uint64_t, Occurrence> grams;
  std::vector<uint64_t> seen;
  for (size_t t = 0; t < documents.size(); ++t) {
    const std::vector<uint32_t>& doc = documents[t];
    seen.clear();
    for (size_t start = 0; start < doc.size(); ++start) {
      bool has_shape = false;
      for (int n = 1; n <= options.max_words && start + n <= doc.size(); ++n) {
        has_shape = has_shape || shaped[doc[start + n - 1]];
        if (options.digit_shapes && !has_shape) continue;
        std::string_view bytes(reinterpret_cast<const char*>(doc.data() + start),
                               sizeof(uint32_t) * static_cast<size_t>(n));
        uint64_t key = Hash64(bytes, static_cast<uint64_t>(n));
        seen.push_back(key);
        auto [it, added] = grams.try_emplace(key);
        if (added) it->second = {static_cast<uint32_t>(t), static_cast<uint32_t>(start), n, {}};
      }
    }
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (uint64_t key : seen) grams[key].traces.push_back(static_cast<uint32_t>(t));
  }

  const size_t n = texts.size();
  // Phrases held by the same traces: one candidate (the longest, then the first by text).
  std::map<TraceBits, Phrase> by_traces;
  for (const auto& [key, occurrence] : grams) {
    size_t support = occurrence.traces.size();
    if (support < options.min_support || n - support < options.min_support) continue;
    Phrase phrase;
    phrase.words = occurrence.words;
    for (int w = 0; w < occurrence.words; ++w) {
      if (w) phrase.text += ' ';
      phrase.text += names[documents[occurrence.trace][occurrence.start + w]];
    }
    phrase.traces.assign(BitWords(n), 0);
    for (uint32_t t : occurrence.traces) SetBit(phrase.traces, t);
    phrase.support = support;
    auto [it, added] = by_traces.try_emplace(phrase.traces, phrase);
    if (!added) {
      Phrase& kept = it->second;
      if (phrase.words > kept.words || (phrase.words == kept.words && phrase.text < kept.text)) {
        kept = std::move(phrase);
      }
    }
  }
  std::vector<Phrase> phrases;
  phrases.reserve(by_traces.size());
  for (auto& [bits, phrase] : by_traces) phrases.push_back(std::move(phrase));
  std::sort(phrases.begin(), phrases.end(),
            [](const Phrase& a, const Phrase& b) { return a.text < b.text; });
  return phrases;
}

double LogOddsZ(size_t held_fail, size_t fails, size_t held_pass, size_t passes) {
  const double a = 0.5;
  double f1 = static_cast<double>(held_fail) + a, f0 = static_cast<double>(fails - held_fail) + a;
  double p1 = static_cast<double>(held_pass) + a, p0 = static_cast<double>(passes - held_pass) + a;
  double delta = std::log(f1 / f0) - std::log(p1 / p0);
  return delta / std::sqrt(1 / f1 + 1 / f0 + 1 / p1 + 1 / p0);
}

std::string PhrasePattern(std::string_view phrase) {
  std::string pattern;
  if (!phrase.empty() && IsWordChar(phrase.front())) pattern += "\\b";
  for (size_t i = 0; i < phrase.size(); ++i) {
    char c = phrase[i];
    if (c == '#') {
      pattern += "\\d+";
    } else if (c == ' ') {
      pattern += "\\s+";
    } else if (static_cast<unsigned char>(c) < 0x80 && !IsWordChar(c)) {
      pattern += '\\';
      pattern += c;
    } else {
      pattern += c;
    }
  }
  if (!phrase.empty() && IsWordChar(phrase.back())) pattern += "\\b";
  return pattern;
}

}  // namespace arbiter
