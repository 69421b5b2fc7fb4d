#include "runner/plugin_api/json_schema/compiled_schema.h"

// GCC 12's <regex> trips -Wmaybe-uninitialized under -fsanitize=address: a false positive in
// libstdc++'s own code (std::__detail::_StateT), instantiated here through valijson's
// visitor.
#if defined(__GNUC__) && !defined(__clang__)  // clang has no such warning
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <exception>
#include <optional>
#include <regex>
#include <utility>
#include <vector>

#include <valijson/adapters/nlohmann_json_adapter.hpp>  // the schema is parsed from nlohmann
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "runner/plugin_api/json_schema/json_text.h"
#include "runner/plugin_api/json_schema/pattern_match.h"
#include "runner/plugin_api/json_schema/ref_cycles.h"
#include "runner/plugin_api/json_schema/simdjson_adapter.h"
#include "runner/plugin_api/json_schema/violation.h"

// Without it valijson reports a bad schema by printing and calling abort().
#if !VALIJSON_USE_EXCEPTIONS
#error "link the valijson CMake target: it defines VALIJSON_USE_EXCEPTIONS=1"
#endif

// Thread safety (checked in valijson 1.0's sources, /usr/include/valijson): a compiled Schema is
// only read while validating. Validator::validate builds a ValidationVisitor over a
// `const Subschema&`; Subschema::apply/applyStrict and every constraint's accept() are const,
// and neither Schema, Subschema nor the constraints have mutable members (the const_casts in
// schema.hpp serve the SchemaParser's construction only). The state a check writes lives in the
// Validator (`regexesCache`, the std::regex compiled for each `patternProperties` key) and in
// the ValidationResults, so each thread gets its own Validator; `pattern` runs on RE2 through a
// per-thread cache (pattern_match.cc). The adapters' function-local statics (empty array/object
// singletons) are initialised once, thread-safely, and only read. The concurrency test in
// json_schema_plugin_test.cc runs one evaluator from 4 threads (run it under the sanitizers).

namespace arbiter {
namespace {

// One Validator per thread, kept: its cache compiles each `patternProperties` regex once per
// thread rather than once per call (a fresh Validator would recompile it every time). Keyed by
// the pattern text, so sharing it between schemas is sound.
valijson::Validator& ThreadValidator() {
  thread_local valijson::Validator validator;
  return validator;
}

// Keywords whose values are data, not subschemas: a "$ref" or "pattern" key inside them is not
// one.
bool IsDataKeyword(const std::string& key) {
  return key == "enum" || key == "const" || key == "default" || key == "examples";
}

// Checks what valijson would accept but could never honour: remote references and patterns
// that do not compile (valijson would only find those on the first trace). Returns the message
// and sets `where`.
std::optional<std::string> PrecheckSchema(const nlohmann::json& node, const std::string& pointer,
                                          int depth, std::string* where) {
  if (depth > 256) {
    *where = pointer;
    return "schema nested deeper than 256 levels";
  }
  if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      auto error = PrecheckSchema(node[i], pointer + "/" + std::to_string(i), depth + 1, where);
      if (error) return error;
    }
    return std::nullopt;
  }
  if (!node.is_object()) return std::nullopt;
  for (const auto& [key, value] : node.items()) {
    std::string child = pointer + "/" + EscapePointerToken(key);
    if (key == "$ref" && value.is_string()) {
      const std::string& ref = value.get_ref<const std::string&>();
      if (ref.empty() || ref[0] != '#') {
        *where = child;
        return "remote $ref '" + ref +
               "' is not supported: schemas are never fetched; inline it, or point into this "
               "schema ('#/definitions/name')";
      }
    }
    // valijson divides by it: 0 kills the process (SIGFPE) on the first integer checked.
    if (key == "multipleOf" && value.is_number() && !(value.get<double>() > 0)) {
      *where = child;
      return "multipleOf must be greater than 0, not " + value.dump();
    }
    if (key == "pattern" && value.is_string()) {
      if (auto error = PatternError(value.get<std::string>())) {
        *where = child;
        return "bad pattern '" + value.get<std::string>() + "': " + *error;
      }
    }
    if (key == "patternProperties" && value.is_object()) {
      // valijson matches property names with std::regex itself (names are short).
      for (const auto& item : value.items()) {
        if (std::optional<std::string> error = EcmaPatternError(item.key())) {
          *where = child;
          return "bad pattern '" + item.key() + "': " + *error;
        }
      }
    }
    if (IsDataKeyword(key)) continue;
    if (auto error = PrecheckSchema(value, child, depth + 1, where)) return error;
  }
  return std::nullopt;
}

// Draft 7 applies `format` to strings only; valijson reads any value as a string (7 failed
// "date-time", an object threw). Each `format` moves into `allOf: [..., {if: {type: string},
// then: {format: F}}]`, appended so the pointers of existing `allOf` items stay. A `$ref`
// object is left as it is: valijson ignores its siblings anyway. Depth is bounded by
// PrecheckSchema.
void FormatOnStrings(nlohmann::json& node) {
  if (node.is_array()) {
    for (nlohmann::json& item : node) FormatOnStrings(item);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, value] : node.items()) {
    if (!IsDataKeyword(key)) FormatOnStrings(value);
  }
  auto format = node.find("format");
  if (format == node.end() || !format->is_string() || node.contains("$ref")) return;
  nlohmann::json conditional = {{"if", {{"type", "string"}}}, {"then", {{"format", *format}}}};
  node.erase(format);
  nlohmann::json& all_of = node["allOf"];
  if (all_of.is_null()) all_of = nlohmann::json::array();
  if (all_of.is_array()) all_of.push_back(std::move(conditional));
}

// valijson names the place for some of its errors: "Expected node at /properties/x to ...".
std::string PointerInMessage(const std::string& message) {
  const std::string marker = "Expected node at ";
  if (message.rfind(marker, 0) != 0) return "";
  size_t start = marker.size();
  size_t end = message.find(' ', start);
  std::string pointer = message.substr(start, end == std::string::npos ? end : end - start);
  return !pointer.empty() && pointer[0] == '/' ? pointer : "";
}

// The fast pass stops at the first failed constraint and records nothing; only a failing value
// pays for the second pass that collects the violation.
Result<SchemaVerdict> Check(const valijson::Schema& schema, const nlohmann::json& schema_json,
                            simdjson::dom::element value) {
  valijson::Validator& validator = ThreadValidator();
  SimdjsonAdapter adapter(value);
  try {
    if (validator.validate(schema, adapter, nullptr)) return SchemaVerdict{};
    valijson::ValidationResults results;
    validator.validate(schema, adapter, &results);
    valijson::ValidationResults::Error first;
    SchemaVerdict verdict{SchemaVerdict::Kind::kInvalid, "does not match the schema"};
    // Errors are queued depth-first, innermost first: the first names the offending value
    // itself, not "failed to validate against schema associated with property ...".
    if (results.popError(first)) {
      verdict.detail = DescribeViolation(first.context, first.description, schema_json, value);
    }
    return verdict;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("schema check failed: ") + e.what());
  }
}

}  // namespace

Result<CompiledSchema> CompiledSchema::Compile(nlohmann::json schema, std::string* where) {
  std::string unused;
  if (!where) where = &unused;
  where->clear();
  if (!schema.is_object()) {
    return Status::InvalidArgument(std::string("a schema must be an object, not ") +
                                   schema.type_name());
  }
  if (auto error = PrecheckSchema(schema, "", 0, where)) return Status::InvalidArgument(*error);
  if (auto error = FindRefCycle(schema, where)) return Status::InvalidArgument(*error);
  nlohmann::json for_valijson = schema;
  FormatOnStrings(for_valijson);
  auto json = std::make_shared<const nlohmann::json>(std::move(schema));
  auto compiled = std::make_shared<valijson::Schema>();
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(for_valijson);
    parser.populateSchema(adapter, *compiled);
  } catch (const std::exception& e) {
    *where = PointerInMessage(e.what());
    return Status::InvalidArgument(std::string("schema does not compile: ") + e.what());
  }
  return CompiledSchema(std::move(json), std::move(compiled));
}

Result<SchemaVerdict> CompiledSchema::Validate(simdjson::dom::element value) const {
  return Check(*schema_, *json_, value);
}

Result<SchemaVerdict> CompiledSchema::ValidateText(std::string_view text,
                                                   size_t offset_base) const {
  // One parser per thread, reused: its buffers grow to the largest document and stay. The
  // element it returns is valid until this thread's next parse, which is after the check.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  // An absent field reads as an empty view whose data() is null, which simdjson would copy from.
  if (text.data() == nullptr) text = std::string_view("", 0);
  if (!parser.parse(text.data(), text.size()).get(root)) return Validate(root);
  // simdjson refused it: nlohmann explains why, or reads what simdjson does not (integers past
  // 64 bits, which it keeps as doubles; written back out, simdjson reads them too).
  Result<nlohmann::json> parsed = ParseJsonText(text, offset_base);
  if (!parsed.ok()) return SchemaVerdict{SchemaVerdict::Kind::kNotJson, parsed.status().message()};
  std::string normalized = parsed->dump();
  simdjson::error_code error = parser.parse(normalized).get(root);
  if (error) {
    return Status::Corruption(std::string("cannot read the JSON: ") +
                              simdjson::error_message(error));
  }
  return Validate(root);
}

}  // namespace arbiter
