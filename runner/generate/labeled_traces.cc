#include "runner/generate/labeled_traces.h"

#include <string_view>

#include <simdjson.h>

#include "runner/source/trace_records.h"

namespace arbiter {

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
        if (parser.parse(record.json.data(), record.json.size()).get(root)) {
          return std::string("not valid JSON");
        }
        std::string_view id;
        if (root["trace_id"].get_string().get(id)) return std::string("no string trace_id");
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
  simdjson::dom::array calls;
  if (!root["tool_calls"].get_array().get(calls)) {
    for (auto call : calls) {
      std::string_view name;
      if (!call["name"].get_string().get(name)) facts.tools.emplace_back(name);
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
