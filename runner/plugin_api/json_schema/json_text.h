// How the json_schema plugin finds JSON in a model's text answer: an optional Markdown code fence
// around it, and the parse error a user can act on when there is no JSON to find.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runner/base/status.h"

namespace arbiter {

// The body of the first fenced code block in `text` (a view into it), or nullopt when there is
// none. A fence is a line that starts, after at most 3 spaces, with 3 or more backticks; the rest
// of that line is the info string ("json", or nothing) and must hold no backtick. The block ends
// at the next line that starts with at least as many backticks, or at the end of the text (a
// truncated answer). Valid JSON never holds a fence (a line break inside a JSON string is
// escaped), so looking for one first never hides a bare JSON answer.
std::optional<std::string_view> FencedBody(std::string_view text);

// Parses `text` as one JSON document (RFC 8259, nothing but whitespace around it). On failure
// the message is nlohmann's diagnosis and the byte offset of the offending character, counted
// from `offset_base` (the position of `text` in the value the user sees):
// "syntax error while parsing value - invalid literal; last read: 'Sure'; at offset 0".
// Slower than simdjson; the plugin uses it when simdjson refuses a document, for the message
// (and for integers past 64 bits, which nlohmann reads as doubles and simdjson rejects).
Result<nlohmann::json> ParseJsonText(std::string_view text, size_t offset_base = 0);

}  // namespace arbiter
