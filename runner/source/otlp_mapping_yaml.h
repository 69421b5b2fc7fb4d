// The `otlp:` key a suite or a sampling policy may hold (docs/FORMATS.md): how OTLP spans map
// onto trace fields beyond the conventions, read once here for both files.
//
//   otlp:
//     attribute_map: {app.intent: metadata.intent, app.tier: metadata.tier}
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "runner/base/status.h"
#include "runner/source/otlp/mapping_options.h"

namespace arbiter {

// `node` (absent or null: the defaults) as mapping options; an unknown key, a non-string
// attribute or a target that is no dot-separated path ("metadata.intent") is an error at its
// file:line:column.
Result<OtlpMappingOptions> ReadOtlpMappingOptions(const YAML::Node& node, const std::string& file);

}  // namespace arbiter
