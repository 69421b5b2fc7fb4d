// `when:` conditions and sampling-policy conditions (SPEC "Evaluator declaration"):
//   PATH OP VALUE   with OP one of == != < <= > >=, VALUE a 'single-quoted string', a number,
//                   true, false or null
//   exists(PATH)
// joined with `and`, `or`, `not` and parentheses. Parsed once at load time; Matches() is const,
// thread-safe and allocation-free on the hot path.
//
// Syntax
//   - PATH is a TracePath (`metadata.intent`, `tool_calls[0].name`, `["key.with.dots"]`).
//   - Strings take single quotes; inside them `\'` is a quote and `\\` a backslash (no other
//     escapes). Numbers: optional sign, digits, optional decimals and exponent (`-1.5e3`).
//   - Precedence: `not` binds tighter than `and`, which binds tighter than `or`;
//     `a or b and c` is `a or (b and c)`. Nesting is limited to 64 levels.
//   - Keywords (`and`, `or`, `not`, `exists`, `true`, `false`, `null`) are lower case and
//     reserved where a path is expected; write a field with such a name as `["not"]`.
//   - `PATH < true` and `PATH > null` are rejected at parse time: booleans and null take only
//     `==` and `!=`.
//
// Semantics (`!=` is always the negation of `==`)
//   - A missing path equals null and nothing else: `x == null` holds, `x == 'a'` does not,
//     `x != 'a'` holds, and every ordering comparison (<, <=, >, >=) is false.
//   - A present JSON null behaves like a missing path. `exists(PATH)` holds when the path is
//     present and not null.
//   - A number literal compares numerically with a JSON number or with a string holding a
//     number ("1234" -- OTLP sends 64-bit integers as strings). Integers compare exactly, also
//     beyond 2^53.
//   - A string literal compares byte-wise (ordering too) with a JSON string only.
//   - `true`/`false` compare with JSON booleans only.
//   - Different kinds (a number field against 'a string', a string that is not a number against
//     a number, an object against anything) are unequal: `==` and the orderings are false, `!=`
//     is true. So `usage.input_tokens > '100'` is always false: quote strings, not numbers.
//   - NaN (a string "nan") compares unequal to everything, ordering false.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "runner/base/status.h"
#include "runner/trace/trace_path.h"

namespace arbiter {

class Condition {
 public:
  // A default-constructed condition has no expression and matches every trace.
  Condition() = default;

  // Errors say what is wrong and at which 1-based column of `text`
  // ("column 14: expected a value after '=='").
  static Result<Condition> Parse(std::string_view text);

  // True when the condition holds for the trace `root`.
  bool Matches(simdjson::dom::element root) const;

  const std::string& text() const { return text_; }

  // The distinct paths the condition reads, in order of first appearance (for validation and
  // for reports that name the fields a filter depends on).
  const std::vector<TracePath>& paths() const { return paths_; }

  struct Node;  // the parsed expression tree (defined in condition.cc)

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
  std::vector<TracePath> paths_;
};

}  // namespace arbiter
