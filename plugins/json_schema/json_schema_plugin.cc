#include "plugins/json_schema/json_schema_plugin.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugins/json_schema/schema_source.h"
#include "runner/plugin_api/json_schema/compiled_schema.h"
#include "runner/plugin_api/json_schema/json_text.h"
#include "runner/plugin_api/json_schema/violation.h"
#include "runner/plugin_api/param_reader.h"
#include "runner/plugin_api/text_target.h"

namespace arbiter {
namespace {

constexpr char kParamsSchema[] = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "schema": {"type": "object",
               "description": "JSON Schema (draft 7) of the target's value, written inline."},
    "schema_file": {"type": "string", "minLength": 1,
                    "description": "A JSON (or .yaml/.yml) schema file, relative to this file."},
    "schemas": {"type": "object", "additionalProperties": {"type": "object"},
                "description": "Tool calls: a schema per tool name for the call's arguments."},
    "schema_files": {"type": "object",
                     "additionalProperties": {"type": "string", "minLength": 1},
                     "description": "Tool calls: a schema file per tool name."},
    "allow_code_fence": {"type": "boolean", "default": true,
                         "description": "Read the first Markdown code fence's body as the JSON."}
  },
  "oneOf": [
    {"anyOf": [{"required": ["schema"]}, {"required": ["schema_file"]}],
     "not": {"required": ["schema", "schema_file"]}},
    {"anyOf": [{"required": ["schemas"]}, {"required": ["schema_files"]}],
     "not": {"required": ["allow_code_fence"]}}
  ]
})json";

constexpr size_t kMaxReason = 200;  // code points

// Checks the target's value against one schema.
class ValueEvaluator : public Evaluator {
 public:
  ValueEvaluator(TextTarget target, CompiledSchema schema, bool allow_fence)
      : target_(std::move(target)), schema_(std::move(schema)), allow_fence_(allow_fence) {}

  Result<Score> Evaluate(const Trace& trace, const EvalContext& /*ctx*/) const override {
    std::optional<simdjson::dom::element> element = target_.path().Lookup(trace.root());
    if (!element) {
      std::string scratch;
      return target_.Text(trace, scratch).status();  // its "missing from the trace" error
    }
    std::string_view text;
    if (element->get_string().get(text)) return Judge(schema_.Validate(*element), false, "");
    std::string_view body = text;
    if (allow_fence_) {
      if (std::optional<std::string_view> fenced = FencedBody(text)) body = *fenced;
    }
    return Judge(schema_.ValidateText(body, body.data() - text.data()), body.size() != text.size(),
                 text);
  }

 private:
  Result<Score> Judge(Result<SchemaVerdict> verdict, bool fenced, std::string_view text) const {
    if (!verdict.ok()) return verdict.status();
    const std::string& name = target_.path().text();
    switch (verdict->kind) {
      case SchemaVerdict::Kind::kValid:
        return Score{1.0, name + " matches the schema" + (fenced ? " (in a code fence)" : "")};
      case SchemaVerdict::Kind::kInvalid:
        return Score{0.0, verdict->detail};
      case SchemaVerdict::Kind::kNotJson: {
        std::string reason = name + " is not valid JSON: " + verdict->detail;
        if (!allow_fence_ && FencedBody(text)) {
          reason += " (it has a code fence; allow_code_fence is false)";
        }
        return Score{0.0, ShortText(reason, kMaxReason)};
      }
    }
    return Status::Internal("unreachable");
  }

  TextTarget target_;
  CompiledSchema schema_;
  bool allow_fence_;
};

using ToolSchemas = std::map<std::string, CompiledSchema, std::less<>>;

// Checks each tool call's arguments against its tool's schema.
class ToolCallsEvaluator : public Evaluator {
 public:
  ToolCallsEvaluator(TracePath path, ToolSchemas schemas)
      : path_(std::move(path)), schemas_(std::move(schemas)) {}

  Result<Score> Evaluate(const Trace& trace, const EvalContext& /*ctx*/) const override {
    std::optional<simdjson::dom::element> element = path_.Lookup(trace.root());
    // A trace without tool calls may leave the field out (only trace_id is required).
    if (!element || element->is_null()) return Score{1.0, "no tool calls"};
    simdjson::dom::array calls;
    if (element->get_array().get(calls)) {
      return Status::Corruption("'" + path_.text() + "' is not an array");
    }
    size_t index = 0, checked = 0;
    std::vector<std::string> unchecked;
    // "tool_calls[1]", built only for a message: most calls are valid.
    auto where = [&](size_t i) { return path_.text() + "[" + std::to_string(i) + "]"; };
    for (simdjson::dom::element call : calls) {
      size_t i = index++;
      simdjson::dom::object object, function;
      if (call.get_object().get(object)) return Status::Corruption(where(i) + " is not an object");
      bool has_function = !object["function"].get_object().get(function);  // OpenAI's form
      std::string_view name;
      if (object["name"].get_string().get(name) &&
          (!has_function || function["name"].get_string().get(name))) {
        return Status::Corruption(where(i) + " has no tool name");
      }
      auto schema = schemas_.find(name);
      if (schema == schemas_.end()) {
        if (checked == 0) unchecked.emplace_back(name);  // named only when nothing is checked
        continue;
      }
      ++checked;
      simdjson::dom::element arguments;
      bool present = !object["arguments"].get(arguments) ||
                     (has_function && !function["arguments"].get(arguments));
      Result<SchemaVerdict> verdict = Check(schema->second, present ? &arguments : nullptr);
      if (verdict.ok() && verdict->valid()) continue;
      std::string call_name = where(i) + " (" + std::string(name) + ")";
      if (!verdict.ok()) return verdict.status().WithContext(call_name + ": ");
      std::string problem = verdict->kind == SchemaVerdict::Kind::kNotJson
                                ? "arguments are not valid JSON: " + verdict->detail
                                : verdict->detail;
      return Score{0.0, ShortText(call_name + ": " + problem, kMaxReason)};
    }
    if (calls.size() == 0) return Score{1.0, "no tool calls"};
    if (checked == 0) return Score{1.0, NoneChecked(unchecked)};
    return Score{1.0, std::to_string(checked) + (checked == 1 ? " tool call matches its schema"
                                                              : " tool calls match their schemas")};
  }

 private:
  // Absent, null or blank arguments are no arguments: `{}`.
  static Result<SchemaVerdict> Check(const CompiledSchema& schema,
                                     const simdjson::dom::element* arguments) {
    constexpr std::string_view kNoArguments = "{}";
    if (!arguments || arguments->is_null()) return schema.ValidateText(kNoArguments);
    std::string_view text;
    if (arguments->get_string().get(text)) return schema.Validate(*arguments);
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return schema.ValidateText(kNoArguments);
    }
    return schema.ValidateText(text);
  }

  static std::string NoneChecked(const std::vector<std::string>& names) {
    std::string reason = "no schema for the tools called (";
    std::vector<std::string> seen;
    for (const std::string& name : names) {
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
      if (seen.size() == 5) {
        reason += ", ...";
        break;
      }
      reason += (seen.empty() ? "'" : ", '") + name + "'";
      seen.push_back(name);
    }
    return reason + "); nothing checked";
  }

  TracePath path_;
  ToolSchemas schemas_;
};

// `schemas` and `schema_files` merged into one map; a tool named twice is an error.
Status LoadToolSchemas(const EvaluatorSpec& spec, const YAML::Node& inline_node,
                       const YAML::Node& files_node, ToolSchemas& out) {
  for (bool files : {false, true}) {
    const YAML::Node& node = files ? files_node : inline_node;
    if (!node.IsDefined()) continue;
    const char* key = files ? "schema_files" : "schemas";
    if (!node.IsMap() || node.size() == 0) {
      return spec.ErrorAt(node, std::string("param '") + key + "' must map tool names to " +
                                    (files ? "schema files" : "schemas"));
    }
    for (const auto& member : node) {
      std::string tool = member.first.Scalar();
      if (out.count(tool)) {
        return spec.ErrorAt(
            member.first, "tool '" + tool + "' has a schema in both 'schemas' and 'schema_files'");
      }
      std::string what = "schema for tool '" + tool + "'";
      ARBITER_ASSIGN_OR_RETURN(
          CompiledSchema schema,
          files ? SchemaFile(spec, member.second, what) : InlineSchema(spec, member.second, what));
      out.emplace(tool, std::move(schema));
    }
  }
  return Status::OK();
}

Result<std::unique_ptr<Evaluator>> CreateJsonSchema(const EvaluatorSpec& spec) {
  ParamReader params(spec);
  YAML::Node schema = params.Node("schema");
  YAML::Node schema_file = params.Node("schema_file");
  YAML::Node schemas = params.Node("schemas");
  YAML::Node schema_files = params.Node("schema_files");
  YAML::Node fence_node = params.Node("allow_code_fence");
  bool allow_fence = params.Bool("allow_code_fence", true);
  ARBITER_RETURN_IF_ERROR(params.Finish());

  bool per_tool = schemas.IsDefined() || schema_files.IsDefined();
  if (schema.IsDefined() && schema_file.IsDefined()) {
    return spec.ErrorAt(schema_file, "give 'schema' or 'schema_file', not both");
  }
  if (per_tool && (schema.IsDefined() || schema_file.IsDefined())) {
    return spec.ErrorAt(schemas.IsDefined() ? schemas : schema_files,
                        "'schemas' checks each tool call, 'schema' one value: give one kind");
  }
  if (!per_tool && !schema.IsDefined() && !schema_file.IsDefined()) {
    return spec.ErrorAt(spec.params,
                        "missing param 'schema' (or 'schema_file'; for tool calls, "
                        "'schemas' or 'schema_files')");
  }

  if (per_tool) {
    if (fence_node.IsDefined()) {
      return spec.ErrorAt(fence_node, "'allow_code_fence' applies to 'schema', not to tool calls");
    }
    ToolSchemas tool_schemas;
    ARBITER_RETURN_IF_ERROR(LoadToolSchemas(spec, schemas, schema_files, tool_schemas));
    TracePath path = spec.target ? *spec.target : TracePath::Parse("tool_calls").value();
    return std::unique_ptr<Evaluator>(
        std::make_unique<ToolCallsEvaluator>(std::move(path), std::move(tool_schemas)));
  }
  if (spec.target && spec.target->text() == "tool_calls") {
    return spec.ErrorAt(spec.node["target"],
                        "target 'tool_calls' checks each call's arguments: give "
                        "'schemas: {tool_name: schema}' instead of 'schema'");
  }
  ARBITER_ASSIGN_OR_RETURN(CompiledSchema compiled,
                           schema.IsDefined() ? InlineSchema(spec, schema, "schema")
                                              : SchemaFile(spec, schema_file, "schema_file"));
  return std::unique_ptr<Evaluator>(
      std::make_unique<ValueEvaluator>(TextTarget(spec), std::move(compiled), allow_fence));
}

}  // namespace

PluginInfo JsonSchemaPlugin() {
  PluginInfo info;
  info.name = "json_schema";
  info.version = 1;
  info.description =
      "JSON Schema (draft 7) over a JSON answer (code fences tolerated) or each tool call's "
      "arguments; the reason names the first violation by its JSON pointer.";
  info.params_schema = kParamsSchema;
  info.create = CreateJsonSchema;
  return info;
}

}  // namespace arbiter
