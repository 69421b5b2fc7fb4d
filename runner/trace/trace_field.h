// Commands that pass traces on add one field of their own to each: `sample` adds `_sample`,
// `triage` adds `_triage`. This is the one way to do it: splice the field into the trace's text,
// so the trace keeps its own bytes (key order, numbers, escapes) whatever JSON library the
// command uses, and a field from an earlier pass (a sample of a sample) is replaced, not doubled.
#pragma once

#include <string>
#include <string_view>

#include "runner/base/status.h"

namespace arbiter {

// `object` (the text of a JSON object, as one line) with its top-level field `key` set to
// `value` (JSON text, written as given): every member named `key` is removed, with its comma,
// and `"key":value` becomes the last member. Every other byte is kept, but whitespace after the
// closing brace is dropped. `object` must be JSON that parsed: the scan checks the object's
// structure (InvalidArgument if it is not an object), not each value. Keys are compared after
// unescaping, as a JSON parser would.
Result<std::string> SetTopLevelField(std::string_view object, std::string_view key,
                                     std::string_view value);

}  // namespace arbiter
