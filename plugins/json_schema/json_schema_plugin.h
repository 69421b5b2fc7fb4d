// The `json_schema` plugin (SPEC "Plugin params"): a JSON Schema (draft 7, valijson) over a
// model's JSON answer or over each tool call's arguments.
//
//   plugin: json_schema
//   target: output                  # default: `output` (or `tool_calls` with `schemas`)
//   params: { schema: {type: object, required: [name]}, allow_code_fence: true }
//           # or schema_file: schemas/order.json   (JSON, or YAML by its .yaml/.yml name)
//
//   plugin: json_schema
//   target: tool_calls
//   params: { schemas: {issue_refund: {type: object, required: [order_id]}} }
//           # and/or schema_files: {lookup_order: schemas/lookup.json}
//
// Exactly one of `schema` / `schema_file` (the target's value), or `schemas` / `schema_files`
// (a schema per tool name; both may be given for different tools; `target: tool_calls` with
// `schema` is refused as ambiguous). Inline schemas are YAML read as JSON by the YAML 1.2 core
// schema (quoted scalars stay strings: see yaml_json.h); files are relative to the
// declaration's folder. Every schema compiles when the evaluator is created; a
// schema that does not compile, a `$ref` to another document (nothing is fetched), a bad
// `pattern`, or an unreadable file is a configuration error at its file:line:column.
// valijson implements draft 7 except `format` beyond date, time and date-time; `pattern` runs
// on RE2 (lookaround and backreferences fall back to std::regex, on strings up to 4 KB: see
// pattern_match.h).
//
// Value mode (`schema`): a string target is parsed as JSON; with `allow_code_fence` (default
// true) the body of its first Markdown code fence (```json ... ```) is parsed when it has one,
// whatever text surrounds it. A non-string target (an object `output`) is checked as it is.
// Score 1.0 when valid ("output matches the schema"), else 0.0 with the first violation:
// "/items/0/price: expected type number, got string". Text that is not JSON is a fail, not an
// error ("output is not valid JSON: <diagnosis>; at offset 12"): it is the failure this plugin
// exists to catch. A missing target is an error row.
//
// Tool-call mode (`schemas`): each call's `arguments` (an object, or a string of JSON as
// OpenAI sends it; `function.name` / `function.arguments` are read too; absent, null or blank
// arguments are `{}`) is checked against the schema of the call's tool name. Calls to tools
// without a schema are not checked. Score 1.0 when every checked call is valid, else 0.0 naming
// the first bad call: "tool_calls[1] (issue_refund): /amount: expected type number, got string",
// or "...: arguments are not valid JSON: ...". No tool calls (the field absent, null or empty):
// 1.0, "no tool calls". A `tool_calls` that is not an array, or a call without a tool name, is an
// error row.
#pragma once

#include "runner/plugin_api/evaluator.h"

namespace arbiter {

PluginInfo JsonSchemaPlugin();

}  // namespace arbiter
