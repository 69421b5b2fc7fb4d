// The built-in redaction rules: what each type's candidates look like and which check confirms
// them. Redactor runs them in this order after a policy's own patterns.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "runner/redact/redactor.h"

namespace arbiter {

struct BuiltinRule {
  PiiType type;
  // RE2 syntax. Capture group 1 is the sensitive span; context around it (the "Bearer " of a
  // token, the character before an address) is matched but kept. A match in which group 1 does
  // not take part is text to skip whole (a URL, for the high-entropy rule).
  const char* pattern;
  // How many leading bytes of the span are confirmed (0: a look-alike, left alone).
  size_t (*confirm)(std::string_view span);
};

std::span<const BuiltinRule> BuiltinRules();

}  // namespace arbiter
