// Where a json_schema evaluator's schemas come from: YAML written inline in the declaration, or
// a file beside it. Both are compiled here, and every failure is a configuration error at the
// file:line:column of the YAML that named the schema.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "runner/base/status.h"
#include "runner/plugin_api/evaluator.h"
#include "runner/plugin_api/json_schema/compiled_schema.h"

namespace arbiter {

// Compiles the schema written inline at `node` (a YAML mapping). A problem inside the schema
// (a remote $ref, a bad pattern) points at the YAML node of that part when it can be found.
// `what` names the schema in messages ("schema", "schema for tool 'lookup'").
Result<CompiledSchema> InlineSchema(const EvaluatorSpec& spec, const YAML::Node& node,
                                    const std::string& what);

// Reads and compiles the schema file named by the scalar at `node`, resolved against the
// declaration's folder: JSON, or YAML when the name ends in .yaml/.yml. Errors point at `node`
// and name the resolved path.
Result<CompiledSchema> SchemaFile(const EvaluatorSpec& spec, const YAML::Node& node,
                                  const std::string& what);

}  // namespace arbiter
