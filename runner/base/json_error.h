// JSON parse errors as words for a user: nlohmann's messages without their
// "[json.exception.parse_error.101] " tag, and for a trace line that simdjson refused (simdjson
// says what, never where) the place and the cause as nlohmann's parser finds them.
#pragma once

#include <string>
#include <string_view>

#include <simdjson.h>
#include <nlohmann/json.hpp>

namespace arbiter {

// e.what() without the tag: "parse error at line 2, column 14: syntax error while parsing ...",
// or "number overflow parsing '1e999'".
std::string JsonErrorText(const nlohmann::json::exception& e);

// Why one line of a JSONL file (whose own line is always 1) was refused: "not valid JSON at
// column 14: syntax error while parsing ..." (the column counts bytes), or "not valid JSON: "
// and JsonErrorText for errors without a place.
std::string NotValidJsonLine(const nlohmann::json::exception& e);

// Why simdjson refused `json` (a trace line, an OTLP document, a request body), led by `lead`:
// "not valid JSON at column 19: syntax error while parsing object key - invalid literal; ..."
// ("at line 3, column 2" in a document of several lines), found by reading `json` again with
// nlohmann's SAX parser (no document is built, so any nesting is safe); where nlohmann reads
// it (integers past 64 bits, nesting past simdjson's limit), "not valid JSON: " and simdjson's
// message. For the error path only: it reads `json` a second time.
std::string JsonRefusal(std::string_view lead, std::string_view json, simdjson::error_code error);

}  // namespace arbiter
