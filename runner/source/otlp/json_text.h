// Minified JSON text of an nlohmann value, written faster than dump() for the trace records the
// OTLP source emits (its hot path): runs of characters that need no escape are copied at once.
#pragma once

#include <string>

#include "runner/source/otlp/span.h"

namespace arbiter {

// Appends `value` as minified JSON. Strings that are not valid UTF-8 are written by
// AppendJsonString (json_util.h), which replaces what is invalid; non-finite numbers are null.
void AppendJson(std::string& out, const OrderedJson& value);

}  // namespace arbiter
