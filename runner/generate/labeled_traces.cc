#include "runner/generate/labeled_traces.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include <simdjson.h>

#include "runner/base/json_error.h"
#include "runner/plugin_api/json_schema/json_text.h"
#include "runner/source/trace_records.h"
#include "runner/trace/trace_validator.h"

namespace arbiter {
namespace {

// The JSON Schema type name of each kind of value (null otherwise).
constexpr std::pair<simdjson::dom::element_type, const char*> kSchemaTypes[] = {
    {simdjson::dom::element_type::STRING, "string"},
    {simdjson::dom::element_type::INT64, "number"},
    {simdjson::dom::element_type::UINT64, "number"},
    {simdjson::dom::element_type::DOUBLE, "number"},
    {simdjson::dom::element_type::BOOL, "boolean"},
    {simdjson::dom::element_type::ARRAY, "array"},
    {simdjson::dom::element_type::OBJECT, "object"}};

JsonShape ShapeOf(simdjson::dom::element value) {
  JsonShape shape;
  simdjson::dom::object object;
  if (value.get_object().get(object)) return shape;
  shape.object = true;
  for (auto field : object) {
    const char* type = "null";
    for (const auto& [kind, name] : kSchemaTypes) type = field.value.type() == kind ? name : type;
    shape.fields.emplace_back(std::string(field.key), type);
  }
  // A repeated key is kept once, with the type of its first value.
  std::stable_sort(shape.fields.begin(), shape.fields.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  shape.fields.erase(std::unique(shape.fields.begin(), shape.fields.end(),
                                 [](const auto& a, const auto& b) { return a.first == b.first; }),
                     shape.fields.end());
  return shape;
}

// A string holding JSON, parsed with its own parser (the trace's stays valid).
JsonShape ShapeOfText(std::string_view text, simdjson::dom::parser& parser) {
  simdjson::dom::element value;
  if (parser.parse(std::string(text)).get(value)) return {};
  return ShapeOf(value);
}

}  // namespace

Result<std::vector<LabeledTrace>> ReadLabeledTraces(const std::vector<std::string>& paths,
                                                    const std::set<std::string>& wanted,
                                                    std::FILE* diagnostics, uint64_t& skipped) {
  std::vector<LabeledTrace> traces;
  std::set<std::string> found;
  simdjson::dom::parser parser;
  SourceOptions options;
  options.hash_input = false;  // no report names the inputs' hashes
  Status read = ForEachTraceRecord(
      paths, diagnostics, skipped,
      [&](size_t, const TraceRecord& record) -> Result<std::string> {
        simdjson::dom::element root;
        if (auto error = parser.parse(record.json.data(), record.json.size()).get(root)) {
          return JsonRefusal("not valid JSON", record.json, error);
        }
        // Checked as `run` checks a trace: a draft is measured on traces that run would score.
        std::string_view id;
        if (Status valid = ValidateTrace(root, id); !valid.ok()) return valid.message();
        std::string key(id);
        if (wanted.count(key) && found.insert(key).second) {
          traces.push_back({std::move(key), std::string(record.json)});
        }
        return std::string();
      },
      options);
  if (!read.ok()) return read;
  return traces;
}

SearchFacts ReadSearchFacts(const std::string& json) {
  SearchFacts facts;
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(json).get_object().get(root)) return facts;
  std::string_view text;
  for (const char* key : {"output", "input"}) {
    if (!root[key].get_string().get(text)) facts.texts[key] = std::string(text);
  }
  simdjson::dom::object metadata;
  if (!root["metadata"].get_object().get(metadata)) {
    for (auto field : metadata) {
      if (!field.value.get_string().get(text)) {
        std::string key(field.key);
        if (key.find_first_of(".[]\" ") != std::string::npos) continue;  // not a plain path
        facts.texts["metadata." + key] = std::string(text);
        if (key == "intent") {
          facts.has_intent = true;
          facts.intent = std::string(text);
        }
      }
    }
  }
  simdjson::dom::parser inner;
  simdjson::dom::element answer;
  if (!root["output"].get(answer) && !answer.is_null()) {
    facts.has_output = true;
    if (answer.get_string().get(text)) {
      facts.output_json = ShapeOf(answer);
    } else {
      std::optional<std::string_view> fenced = FencedBody(text);
      facts.output_json = ShapeOfText(fenced ? *fenced : text, inner);
    }
  }
  simdjson::dom::array calls;
  if (!root["tool_calls"].get_array().get(calls)) {
    for (auto call : calls) {
      std::string_view name;
      simdjson::dom::object function;
      bool has_function = !call["function"].get_object().get(function);  // OpenAI's form
      if (!call["name"].get_string().get(name))
        facts.tools.emplace_back(name);
      else if (!has_function || function["name"].get_string().get(name))
        continue;
      simdjson::dom::element arguments;
      bool present = !call["arguments"].get(arguments) ||
                     (has_function && !function["arguments"].get(arguments));
      ToolArguments args{std::string(name), {true, {}}};
      if (present && !arguments.is_null()) {
        if (arguments.get_string().get(text)) {
          args.arguments = ShapeOf(arguments);
        } else if (text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
          args.arguments = ShapeOfText(text, inner);
        }
      }
      facts.tool_arguments.push_back(std::move(args));
    }
  }
  simdjson::dom::array documents;
  if (!root["retrieved_documents"].get_array().get(documents)) {
    size_t position = 0;
    for (auto document : documents) {
      std::string_view id;
      facts.document_ids.push_back(
          document["id"].get_string().get(id) ? "doc" + std::to_string(position) : std::string(id));
      ++position;
    }
  }
  auto output = facts.texts.find("output");
  if (output != facts.texts.end()) {
    size_t open = output->second.find('[');
    facts.cites = open != std::string::npos && output->second.find(']', open) != std::string::npos;
  }
  return facts;
}

}  // namespace arbiter
