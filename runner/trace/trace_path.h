// Paths into a trace: `output`, `metadata.intent`, `usage.input_tokens`, `tool_calls[0].name`.
// Parsed once at load time; lookups walk the simdjson DOM without allocating.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "runner/base/status.h"

namespace arbiter {

class TracePath {
 public:
  // Grammar: KEY ( '.' KEY | '[' INDEX ']' )* where KEY is [A-Za-z0-9_$-]+ (or a quoted
  // segment ["key with.dots"]) and INDEX a non-negative integer. Errors name the column.
  static Result<TracePath> Parse(std::string_view text);

  // The element at this path, or nullopt when any step is missing or of the wrong type.
  // JSON null is returned as an element (a present null), not as nullopt.
  std::optional<simdjson::dom::element> Lookup(simdjson::dom::element root) const;

  const std::string& text() const { return text_; }
  bool operator==(const TracePath& o) const { return text_ == o.text_; }

  struct Step {
    std::string key;  // object member when index < 0
    long index = -1;  // array element when >= 0
  };
  const std::vector<Step>& steps() const { return steps_; }

 private:
  std::string text_;
  std::vector<Step> steps_;
};

}  // namespace arbiter
