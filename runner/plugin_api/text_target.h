// How text plugins (regex, contains, length, citations) read the text they judge: the trace value
// at the declaration's `target` path, `output` when it names none. Also the two text rules those
// plugins share, so they agree on what whitespace is and how quoted text is shortened in reasons.
#pragma once

#include <string>
#include <string_view>

#include "runner/base/status.h"
#include "runner/plugin_api/evaluator.h"
#include "runner/trace/trace.h"
#include "runner/trace/trace_path.h"

namespace arbiter {

class TextTarget {
 public:
  // The path in `spec.target`, or `output` when the declaration names none. Cheap to copy.
  explicit TextTarget(const EvaluatorSpec& spec);

  // The text to examine in `trace`:
  //   - a JSON string: its contents, as a view into the trace (no copy);
  //   - null: "" (a present but empty value, not a missing one);
  //   - any other value (number, bool, object, array): its minified JSON text ("1234",
  //     "{\"a\":1}"), written into `scratch` and viewed from there.
  // The view is valid while both the trace and `scratch` are. An absent path is an error
  // ("target path 'x' is missing from the trace"): the host records an error row.
  // Thread-safe; pass a `scratch` owned by the caller (a local string is fine: it only
  // allocates for non-string values longer than the small-string buffer).
  Result<std::string_view> Text(const Trace& trace, std::string& scratch) const;

  const TracePath& path() const { return path_; }

 private:
  TracePath path_;
};

// The byte length of the Unicode White_Space code point that starts at `text[i]` (ASCII
// \t \n \v \f \r and space, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F,
// U+205F, U+3000), or 0 when `text[i]` does not start one. REQUIRES: i < text.size().
size_t WhitespaceLength(std::string_view text, size_t i);

// The same set as an RE2 character class, for plugins that match with RE2.
inline constexpr std::string_view kWhitespaceClass =
    "[\\t-\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}"
    "\\x{3000}]";

// `text` quoted for a reason: at most `max_code_points` code points (cut on a code point
// boundary, then "..." appended), in single quotes.
std::string Excerpt(std::string_view text, size_t max_code_points = 60);

}  // namespace arbiter
