// `when:` conditions and sampling-policy conditions (SPEC "Evaluator declaration"):
//   PATH OP VALUE   with OP one of == != < <= > >=, VALUE a 'single-quoted string', a number,
//                   true, false or null
//   exists(PATH)
// joined with `and`, `or`, `not` and parentheses. Parsed once at load time; Matches() is const,
// thread-safe and allocation-free on the hot path.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "runner/status.h"

namespace arbiter {

class Condition {
 public:
  // Errors say what is wrong and at which 1-based column of `text`
  // ("column 14: expected a value after '=='").
  static Result<Condition> Parse(std::string_view text);

  // True when the condition holds for the trace `root`.
  bool Matches(simdjson::dom::element root) const;

  const std::string& text() const { return text_; }

  struct Node;  // the parsed expression tree (defined in condition.cc)

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace arbiter
