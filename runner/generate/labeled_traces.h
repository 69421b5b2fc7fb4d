// The labeled traces of `arbiter generate`: the trace files read once, only the traces a label
// names kept (their JSON text), and what the candidate search reads from each, extracted once.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "runner/base/status.h"

namespace arbiter {

struct LabeledTrace {
  std::string id;
  std::string json;  // the trace's own text, parsed again where a plugin judges it
};

// Reads `paths` (JSONL or OTLP/JSON, .gz, "-") once and keeps the first trace of each id in
// `wanted`, in input order. A record that cannot be read is reported on `diagnostics` as
// "file:line: reason; skipped" and counted in `skipped`.
Result<std::vector<LabeledTrace>> ReadLabeledTraces(const std::vector<std::string>& paths,
                                                    const std::set<std::string>& wanted,
                                                    std::FILE* diagnostics, uint64_t& skipped);

// A JSON value as the json_schema plugin reads it: whether it is an object, and its fields.
struct JsonShape {
  bool object = false;
  // Each key with the JSON Schema type of its value (string, number, boolean, array, object,
  // null); sorted by key, empty unless `object`.
  std::vector<std::pair<std::string, std::string>> fields;
};

// One tool call's arguments, as the json_schema plugin reads them (absent, null or blank: `{}`).
struct ToolArguments {
  std::string tool;
  JsonShape arguments;
};

// What the search reads from one trace.
struct SearchFacts {
  // Text targets: `output`, `input` and each string under `metadata` (`metadata.KEY`).
  std::map<std::string, std::string> texts;
  bool has_intent = false;
  std::string intent;                     // metadata.intent
  std::vector<std::string> tools;         // the names of tool_calls, in order
  std::vector<std::string> document_ids;  // retrieved_documents' ids (docN by position)
  bool cites = false;                     // the output has a [bracketed] span
  // The output as JSON: an object output as it is, a string parsed (the body of its first code
  // fence when it has one). Only set when the trace has an `output`.
  bool has_output = false;
  JsonShape output_json;
  std::vector<ToolArguments> tool_arguments;  // the calls that name a tool, in order
};

// The facts of one trace; a trace that is not a JSON object has none.
SearchFacts ReadSearchFacts(const std::string& json);

}  // namespace arbiter
