// Type checks on a parsed trace (SPEC "Trace format"), so a trace with a wrong type is reported
// with its reason and skipped rather than half-judged. Only `trace_id` is required; the known
// fields, when present and not null, must have their documented types. Unknown fields are kept
// and not checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <simdjson.h>

#include "runner/base/status.h"

namespace arbiter {

// The known top-level fields (SPEC "Trace format": trace_id, input, output, messages, ...) one
// trace has named so far. JSON parsers differ on a repeated key (simdjson's lookup finds the
// first, nlohmann keeps the last), so every command refuses a trace that names a known field
// twice rather than read it one way when scoring and another when redacting or triaging.
class KnownFieldTracker {
 public:
  // Corruption "field 'trace_id' appears more than once" for a known field already seen.
  Status Add(std::string_view key);

 private:
  uint32_t seen_ = 0;  // bit i: kKnownFields[i] seen
};

// OK, or Corruption with the reason ("field 'messages' must be an array, got a string"; a known
// field named twice).
// On success `trace_id` views the id inside the document, and `sample`, when given, holds the
// value of the `_sample` field if there is one (found in the same pass over the fields, so
// sampled inputs cost no extra lookup). `_sample` itself is not checked here: a bad one does
// not make the trace unscorable (runner/trace/sample_mark.h reads it).
Status ValidateTrace(simdjson::dom::element root, std::string_view& trace_id,
                     std::optional<simdjson::dom::element>* sample = nullptr);

}  // namespace arbiter
