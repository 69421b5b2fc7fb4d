// Type checks on a parsed trace (SPEC "Trace format"), so a trace with a wrong type is reported
// with its reason and skipped rather than half-judged. Only `trace_id` is required; the known
// fields, when present and not null, must have their documented types. Unknown fields are kept
// and not checked.
#pragma once

#include <string_view>

#include <simdjson.h>

#include "runner/status.h"

namespace arbiter {

// OK, or Corruption with the reason ("field 'messages' must be an array, got a string").
// On success `trace_id` views the id inside the document.
Status ValidateTrace(simdjson::dom::element root, std::string_view& trace_id);

}  // namespace arbiter
