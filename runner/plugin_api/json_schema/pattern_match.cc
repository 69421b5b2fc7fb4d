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

CompiledPattern Compile(const std::string& pattern) {
  CompiledPattern compiled;
  RE2::Options options;
  options.set_log_errors(false);
  auto re2 = std::make_unique<RE2>(pattern, options);
  if (re2->ok()) {
    compiled.re2 = std::move(re2);
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
