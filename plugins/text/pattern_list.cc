#include "plugins/text/pattern_list.h"

namespace arbiter {
namespace {

RE2::Options MakeOptions(const PatternList::Options& options) {
  RE2::Options re2_options;
  re2_options.set_log_errors(false);  // errors are reported as values, not on stderr
  re2_options.set_case_sensitive(!options.case_insensitive);
  re2_options.set_never_capture(true);  // only the whole match (group 0) is ever read
  return re2_options;
}

// True when every match starts with the same byte, so RE2 can skip ahead with memchr.
// A heuristic: PossibleMatchRange reports a fixed first byte also for `\bword`, which RE2
// does not accelerate; such a pattern is merely checked alone, as it would be without a set.
bool HasFixedFirstByte(const RE2& re) {
  std::string min, max;
  // Longer than one byte: a range cut at `maxlen` rounds max up ("r" becomes "s").
  if (!re.PossibleMatchRange(&min, &max, 8)) return false;
  return !min.empty() && !max.empty() && min[0] == max[0];
}

// RE2's own message, with what it means for a pattern written for another engine (PCRE,
// Python): RE2 guarantees linear time, so it has no lookaround and no backreferences.
std::string ExplainedError(const RE2& re) {
  std::string error = re.error();
  const std::string& pattern = re.pattern();
  if (error.find("invalid perl operator: (?<") != std::string::npos &&
      pattern.find("(?<=") == std::string::npos && pattern.find("(?<!") == std::string::npos) {
    return error + " (RE2 writes a named group as (?P<name>...))";
  }
  if (error.find("invalid perl operator: (?<") != std::string::npos ||
      error.find("invalid perl operator: (?=") != std::string::npos ||
      error.find("invalid perl operator: (?!") != std::string::npos) {
    return error +
           " (RE2 has no lookahead or lookbehind: match the wider text, or split the check "
           "into two patterns with `match: all` or `match: none`)";
  }
  if (error.find("invalid escape sequence: \\1") != std::string::npos ||
      error.find("invalid escape sequence: \\2") != std::string::npos) {
    return error + " (RE2 has no backreferences)";
  }
  return error;
}

}  // namespace

PatternList::PatternList(const std::vector<std::string>& patterns, const Options& options) {
  RE2::Options re2_options = MakeOptions(options);
  int full_scans = 0;
  for (size_t i = 0; i < patterns.size(); ++i) {
    auto re = std::make_unique<RE2>(patterns[i], re2_options);
    if (!re->ok()) {
      bad_index_ = static_cast<int>(i);
      error_ = ExplainedError(*re);
      return;
    }
    if (!HasFixedFirstByte(*re)) ++full_scans;
    regexps_.push_back(std::move(re));
  }
  if (!options.allow_set || full_scans < 2) return;
  auto set = std::make_unique<RE2::Set>(re2_options, RE2::UNANCHORED);
  for (const std::string& pattern : patterns) {
    if (set->Add(pattern, nullptr) < 0) return;  // compiled alone above; keep the plain path
  }
  if (set->Compile()) set_ = std::move(set);
}

PatternList::Match PatternList::FirstMatch(std::string_view text) const {
  if (set_) {
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    // Without an output vector the set stops at the first match and allocates nothing.
    // On a DFA failure (out of memory on a huge text) fall through to the exact path.
    if (!set_->Match(text, nullptr, &info) && info.kind == RE2::Set::kNoError) return {};
  }
  re2::StringPiece input(text.data(), text.size());
  for (size_t i = 0; i < regexps_.size(); ++i) {
    re2::StringPiece found;
    if (regexps_[i]->Match(input, 0, input.size(), RE2::UNANCHORED, &found, 1)) {
      return {static_cast<int>(i), std::string_view(found.data(), found.size())};
    }
  }
  return {};
}

int PatternList::FirstMissing(std::string_view text) const {
  re2::StringPiece input(text.data(), text.size());
  for (size_t i = 0; i < regexps_.size(); ++i) {
    if (!regexps_[i]->Match(input, 0, input.size(), RE2::UNANCHORED, nullptr, 0)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace arbiter
