// How the json_schema plugin matches a schema's `pattern` keyword. valijson matches with
// std::regex, whose libstdc++ executor recurses once per character: a `pattern` over a 20 KB
// string overflows an 8 MB stack and kills the process. RE2 runs in linear time without
// recursion, so patterns run on RE2; only patterns RE2 cannot express (lookaround,
// backreferences) fall back to std::regex, on strings of at most kMaxEcmaInput bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace arbiter {

inline constexpr size_t kMaxEcmaInput = 4096;

// Why `pattern` cannot be used (neither RE2 nor std::regex's ECMAScript grammar accepts it), or
// nullopt.
std::optional<std::string> PatternError(const std::string& pattern);

// Why std::regex's ECMAScript grammar (what valijson matches `patternProperties` keys with)
// cannot take `pattern`, or nullopt. A backreference or `{n,m}` count of more than 9 digits is
// refused before std::regex reads it (its parser overflows a signed long on 20).
std::optional<std::string> EcmaPatternError(const std::string& pattern);

// Whether `pattern` matches somewhere in `text` (an unanchored search, as JSON Schema says).
// Thread-safe: compiled patterns are cached per thread. Throws std::runtime_error when the
// pattern needs std::regex and `text` is longer than kMaxEcmaInput (valijson's caller turns it
// into an error row), or when the pattern does not compile (PatternError is checked at load).
bool MatchesPattern(const std::string& pattern, std::string_view text);

}  // namespace arbiter
