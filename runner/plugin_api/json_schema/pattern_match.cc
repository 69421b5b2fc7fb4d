#include "runner/plugin_api/json_schema/pattern_match.h"

// GCC 12's <regex> trips -Wmaybe-uninitialized under -fsanitize=address: a false positive in
// libstdc++'s own code (std::__detail::_StateT), instantiated here for the
// lookaround fallback.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <memory>
#include <regex>
#include <stdexcept>
#include <unordered_map>

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

CompiledPattern Compile(const std::string& pattern) {
  CompiledPattern compiled;
  RE2::Options options;
  options.set_log_errors(false);
  auto re2 = std::make_unique<RE2>(pattern, options);
  if (re2->ok()) {
    compiled.re2 = std::move(re2);
    return compiled;
  }
  if (std::optional<std::string> error = OverlongNumber(pattern)) {
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
  if (std::optional<std::string> error = OverlongNumber(pattern)) return error;
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
