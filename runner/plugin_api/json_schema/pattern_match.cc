#include "runner/plugin_api/json_schema/pattern_match.h"

// GCC 12's <regex> trips -Wmaybe-uninitialized under -fsanitize=address: a false positive in
// libstdc++'s own code (std::__detail::_StateT), instantiated here for the
// lookaround fallback.
#if defined(__GNUC__) && !defined(__clang__)  // clang has no such warning
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>

namespace arbiter {
namespace {

struct CompiledPattern {
  std::unique_ptr<RE2> re2;          // set when RE2 accepts the pattern
  std::unique_ptr<std::regex> ecma;  // else this, when std::regex does
  std::string error;                 // else why neither does
};

// libstdc++'s <regex> reads a backreference number (`\\12`) and a `{n,m}` count into a signed
// long without checking for overflow: 20 digits are undefined behaviour (found by the
// json_schema fuzzer). No real pattern needs more than 9 digits there.
std::optional<std::string> OverlongNumber(std::string_view pattern) {
  constexpr size_t kMaxDigits = 9;
  auto digits_from = [&](size_t at) {
    size_t end = at;
    while (end < pattern.size() && pattern[end] >= '0' && pattern[end] <= '9') ++end;
    return end;
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    size_t start = 0, end = 0;
    if (pattern[i] == '\\') {
      if (i + 1 < pattern.size() && (pattern[i + 1] < '0' || pattern[i + 1] > '9')) {
        ++i;  // an escaped character, maybe '{' or '\\'
        continue;
      }
      start = i + 1;
      end = digits_from(start);
    } else if (pattern[i] == '{') {
      start = i + 1;
      end = digits_from(start);
      if (end - start <= kMaxDigits && end < pattern.size() && pattern[end] == ',') {
        start = end + 1;
        end = digits_from(start);
      }
    } else {
      continue;
    }
    if (end - start > kMaxDigits) {
      return "a backreference or {n,m} count of more than " + std::to_string(kMaxDigits) +
             " digits";
    }
  }
  return std::nullopt;
}

// libstdc++'s std::regex copies an atom once per repetition of `{n,m}` (m copies, n + 1 for
// `{n,}`), so nested counts multiply: `[0-9]{222222224}`, which RE2 refuses (counts past 1000),
// took seconds and gigabytes to compile (found by the json_schema fuzzer). This bounds the
// states it would build, saturating past the limit; nothing here needs to be exact, only an
// upper bound within a small factor.
constexpr uint64_t kMaxEcmaStates = 10000;

uint64_t EcmaStates(std::string_view pattern) {
  constexpr uint64_t kCap = kMaxEcmaStates + 1;
  auto add = [&](uint64_t a, uint64_t b) { return std::min(kCap, a + b); };
  auto times = [&](uint64_t a, uint64_t b) { return b != 0 && a > kCap / b ? kCap : a * b; };
  struct Frame {
    uint64_t size = 0;  // states so far in this group
    uint64_t last = 0;  // states of the last atom, which a count repeats
  };
  std::vector<Frame> groups(1);
  auto number_at = [&](size_t& i) -> std::optional<uint64_t> {
    size_t start = i;
    uint64_t value = 0;
    while (i < pattern.size() && pattern[i] >= '0' && pattern[i] <= '9') {
      value = std::min(kCap, value * 10 + static_cast<uint64_t>(pattern[i] - '0'));
      ++i;
    }
    return i == start ? std::nullopt : std::optional<uint64_t>(value);
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    Frame& group = groups.back();
    char c = pattern[i];
    uint64_t atom = 1;
    if (c == '\\') {
      ++i;  // the escaped character, or a backreference's digits
      while (i + 1 < pattern.size() && pattern[i] >= '0' && pattern[i] <= '9' &&
             pattern[i + 1] >= '0' && pattern[i + 1] <= '9') {
        ++i;
      }
    } else if (c == '[') {  // a class is one state
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;
      while (j < pattern.size() && pattern[j] != ']') j += pattern[j] == '\\' ? 2 : 1;
      i = j;
    } else if (c == '(') {
      groups.emplace_back();
      continue;
    } else if (c == ')' && groups.size() > 1) {
      atom = add(groups.back().size, 1);
      groups.pop_back();
    } else if (c == '{') {
      size_t j = i + 1;
      std::optional<uint64_t> low = number_at(j), high = low;
      bool open = false;
      if (low && j < pattern.size() && pattern[j] == ',') {
        ++j;
        high = number_at(j);
        open = !high;
      }
      if (low && j < pattern.size() && pattern[j] == '}') {
        uint64_t copies = open ? add(*low, 1) : std::max<uint64_t>(*high, 1);
        group.size = add(group.size, times(group.last, copies - 1));
        group.last = times(group.last, copies);
        i = j;
        continue;
      }
    } else if (c == '*' || c == '+' || c == '?' || c == '|') {
      group.size = add(group.size, 1);
      if (c == '|') group.last = 0;
      continue;
    }
    Frame& current = groups.back();  // the one a ')' returned to
    current.size = add(current.size, atom);
    current.last = atom;
  }
  uint64_t total = 0;
  for (const Frame& group : groups) total = add(total, group.size);
  return total;
}

// Why std::regex must not compile `pattern`, before it reads it; nullopt when it may.
std::optional<std::string> EcmaPrecheck(std::string_view pattern) {
  if (std::optional<std::string> error = OverlongNumber(pattern)) return error;
  if (EcmaStates(pattern) > kMaxEcmaStates) {
    return "repetition counts that multiply past " + std::to_string(kMaxEcmaStates) +
           " copies (a pattern with lookaround or backreferences runs on std::regex, which "
           "copies what a count repeats; RE2 takes counts up to 1000)";
  }
  return std::nullopt;
}

CompiledPattern Compile(const std::string& pattern) {
  CompiledPattern compiled;
  RE2::Options options;
  options.set_log_errors(false);
  auto re2 = std::make_unique<RE2>(pattern, options);
  if (re2->ok()) {
    compiled.re2 = std::move(re2);
    return compiled;
  }
  if (std::optional<std::string> error = EcmaPrecheck(pattern)) {
    compiled.error = *error;
    return compiled;
  }
  try {
    compiled.ecma = std::make_unique<std::regex>(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    compiled.error = e.what();
  }
  return compiled;
}

const CompiledPattern& Cached(const std::string& pattern) {
  thread_local std::unordered_map<std::string, CompiledPattern> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, Compile(pattern)).first;
  return it->second;
}

}  // namespace

std::optional<std::string> PatternError(const std::string& pattern) {
  CompiledPattern compiled = Compile(pattern);
  if (compiled.re2 || compiled.ecma) return std::nullopt;
  return compiled.error;
}

std::optional<std::string> EcmaPatternError(const std::string& pattern) {
  if (std::optional<std::string> error = EcmaPrecheck(pattern)) return error;
  try {
    std::regex compiled(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return e.what();
  }
  return std::nullopt;
}

bool MatchesPattern(const std::string& pattern, std::string_view text) {
  const CompiledPattern& compiled = Cached(pattern);
  if (compiled.re2) return RE2::PartialMatch(text, *compiled.re2);
  if (!compiled.ecma) throw std::runtime_error("bad pattern '" + pattern + "': " + compiled.error);
  if (text.size() > kMaxEcmaInput) {
    throw std::runtime_error("a string of " + std::to_string(text.size()) +
                             " bytes is too long for pattern '" + pattern +
                             "' (lookaround and backreferences run on std::regex, limited to " +
                             std::to_string(kMaxEcmaInput) + " bytes)");
  }
  return std::regex_search(text.begin(), text.end(), *compiled.ecma);
}

}  // namespace arbiter
