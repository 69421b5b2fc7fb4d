// nlohmann::json's exceptions as words for a user: its "[json.exception.parse_error.101] " tag
// dropped, and for one line of JSONL, the place as a column of that line.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace arbiter {

// e.what() without the tag: "parse error at line 2, column 14: syntax error while parsing ...",
// or "number overflow parsing '1e999'".
std::string JsonErrorText(const nlohmann::json::exception& e);

// Why one line of a JSONL file (whose own line is always 1) was refused: "not valid JSON at
// column 14: syntax error while parsing ..." (the column counts bytes), or "not valid JSON: "
// and JsonErrorText for errors without a place.
std::string NotValidJsonLine(const nlohmann::json::exception& e);

}  // namespace arbiter
