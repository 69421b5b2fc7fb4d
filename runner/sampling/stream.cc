#include "runner/sampling/stream.h"

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "runner/base/json_util.h"
#include "runner/sampling/sampler.h"
#include "runner/source/record_scan.h"

namespace arbiter {
namespace {

// `"_sample": {...}` for a sampled trace, compact like the rest of the line.
std::string SampleMember(const SampledTrace& trace) {
  std::string member = "\"_sample\":{\"stratum\":";
  AppendJsonString(member, trace.stratum);
  member += trace.failure ? ",\"failure\":true,\"weight\":" : ",\"failure\":false,\"weight\":";
  AppendJsonNumber(member, trace.weight);
  if (!trace.focus.empty()) {
    member += ",\"focus\":";
    AppendJsonString(member, trace.focus);
  }
  member += '}';
  return member;
}

// The trace's text with `_sample` added as its last member. The text is kept byte for byte
// (numbers, key order, escapes); only a trace that already has a `_sample` (a sample of a
// sample) is rebuilt, so that the new one replaces it.
Result<std::string> WithSample(const SampledTrace& trace, simdjson::dom::parser& parser) {
  simdjson::dom::object object;
  if (parser.parse(trace.json).get(object)) {
    return Status::Internal("a sampled trace no longer parses");
  }
  std::string member = SampleMember(trace);
  simdjson::dom::element existing;
  if (object["_sample"].get(existing) == simdjson::SUCCESS) {
    nlohmann::ordered_json document = nlohmann::ordered_json::parse(trace.json, nullptr, false);
    if (document.is_discarded()) return Status::Internal("a sampled trace no longer parses");
    document["_sample"] = nlohmann::ordered_json::parse("{" + member + "}")["_sample"];
    return document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  std::string_view text = trace.json;
  size_t close = text.find_last_of('}');  // the object's end: only whitespace may follow
  std::string line(text.substr(0, close));
  line += object.size() == 0 ? "" : ",";
  line += member;
  line += '}';
  return line;
}

}  // namespace

Result<SampleSummary> SampleTraces(const std::vector<std::string>& inputs,
                                   const SamplePolicy& policy, const SampleOptions& options,
                                   AtomicFile* out, std::FILE* diagnostics) {
  SampleSummary summary;
  StratifiedSampler sampler(policy, options.seed, options.focus_collected, out != nullptr);
  simdjson::dom::parser parser;
  SourceOptions source;
  source.hash_input = false;  // no report names the input's hash
  ScanCallbacks callbacks;
  // One worker: the sampler takes traces one at a time, and the reading overlaps the parsing.
  callbacks.parse = [&](size_t, const ScannedRecord& record) -> Result<std::string> {
    simdjson::dom::element root;
    if (auto error = parser.parse(record.json.data(), record.json.size(), false).get(root)) {
      return std::string("not valid JSON: ") + simdjson::error_message(error);
    }
    if (!root.is_object()) return std::string("a trace must be a JSON object");
    ARBITER_RETURN_IF_ERROR(sampler.Offer(root, record.json));
    ++summary.traces;
    return std::string();
  };
  Status read = ScanRecords(inputs, source, 1, diagnostics, summary.skipped, callbacks);
  if (!read.ok()) return read;
  if (!out) {
    summary.plan = sampler.Plan();
    return summary;
  }

  for (const SampledTrace& trace : sampler.Finish(&summary.plan)) {
    Result<std::string> line = WithSample(trace, parser);
    if (!line.ok()) return line.status();
    *line += '\n';
    ARBITER_RETURN_IF_ERROR(out->Append(*line));
    ++summary.sampled;
  }
  return summary;
}

}  // namespace arbiter
