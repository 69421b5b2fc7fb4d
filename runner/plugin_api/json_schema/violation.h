// The first violation valijson reports, rewritten for a reason line: a JSON pointer and a short,
// lower-case description, with the expected and actual type spelled out for a type mismatch.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <nlohmann/json.hpp>

namespace arbiter {

// A member name as one RFC 6901 pointer token: "~" as "~0", "/" as "~1".
std::string EscapePointerToken(std::string_view token);

// valijson's error context (["<root>", "[items]", "[0]"]) as an RFC 6901 JSON pointer
// ("/items/0"; "" for the root). valijson brackets member names and indexes alike, and both read
// the same in a pointer.
std::string ContextToPointer(const std::vector<std::string>& context);

// "pointer: description" ("description" alone at the root), the description cut at 120 code
// points. `schema` is the schema as written and `instance` the checked value: a type mismatch
// reads "expected type number, got string" when the schema at that place names its type (found
// through `properties`, `items`, `additionalProperties` and local `$ref`s), else "type string is
// not allowed here"; an enum, const or pattern mismatch quotes the value it saw.
std::string DescribeViolation(const std::vector<std::string>& context,
                              const std::string& description, const nlohmann::json& schema,
                              simdjson::dom::element instance);

// At most `max_code_points` of `text` (cut on a code point boundary), "..." marking a cut.
std::string ShortText(std::string_view text, size_t max_code_points);

}  // namespace arbiter
