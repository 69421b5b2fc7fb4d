// Small helpers over the simdjson DOM and for writing JSON text by hand on the hot path.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace arbiter {

// The element as text an evaluator reads: a JSON string's contents, or the minified JSON of any
// other value (numbers, objects, arrays); "" for null.
std::string ElementText(simdjson::dom::element element);

// The string value, or nullopt when the element is not a string.
std::optional<std::string_view> ElementString(simdjson::dom::element element);

// A number as double: JSON numbers, and strings holding an integer or decimal (64-bit integers
// arrive as strings in OTLP/JSON). nullopt otherwise.
std::optional<double> ElementNumber(simdjson::dom::element element);

// Appends `text` as a JSON string literal (with quotes) to `out`. Invalid UTF-8 is replaced with
// U+FFFD so the output is always valid JSON.
void AppendJsonString(std::string& out, std::string_view text);

// Appends a double in its shortest round-trip form ("0.5", "1.0"; integral values keep ".0").
void AppendJsonNumber(std::string& out, double value);

// Number of Unicode code points in valid UTF-8 text (continuation bytes are not counted).
size_t CountCodePoints(std::string_view utf8);

// True when `text` is valid UTF-8.
bool IsValidUtf8(std::string_view text);

}  // namespace arbiter
