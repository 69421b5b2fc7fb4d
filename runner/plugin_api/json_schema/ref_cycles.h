// Finds the schemas that would apply themselves to the same value forever: `{"$ref": "#"}`, a
// `$ref` chain a -> b -> a, or `allOf: [{$ref: '#'}]`. valijson follows such a loop until the
// stack runs out (while compiling, or on the first value), so the loop is refused at load.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace arbiter {

// Returns a message naming the loop ("#/definitions/a -> #/definitions/b -> #/definitions/a"), with
// `*where` set to the JSON pointer of its first schema, or nullopt when there is none. A
// reference that goes through `properties`, `items` and the like is a recursive schema, not a
// loop: each step descends into the value, so the value's depth bounds it.
std::optional<std::string> FindRefCycle(const nlohmann::json& schema, std::string* where);

}  // namespace arbiter
