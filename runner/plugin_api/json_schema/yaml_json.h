// YAML written in a declaration (an inline JSON Schema) as the JSON it stands for.
#pragma once

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "runner/base/status.h"

namespace arbiter {

// Converts `node` with the YAML 1.2 core schema, since YAML scalars carry no type of their own:
//   - quoted and block scalars (yaml-cpp tag "!") and `!!str` stay strings: `'1'` is "1";
//   - plain `true`/`false` (also True/TRUE/False/FALSE) are booleans; yes/no/on/off are strings;
//   - plain `null`, `~` and empty values are null;
//   - plain integers (decimal, 0x hex, 0o octal) and decimals/exponents are numbers, kept as
//     integers when they have no fraction or exponent; `.inf`/`.nan` (no JSON form) stay strings;
//   - mappings become objects (keys as their text), sequences arrays.
// Errors (an alias cycle, a non-scalar key) name the node's problem; the caller adds the
// position with EvaluatorSpec::ErrorAt. `*bad` is set to the offending node when not null.
Result<nlohmann::json> YamlToJson(const YAML::Node& node, YAML::Node* bad = nullptr);

}  // namespace arbiter
