#include "runner/sampling/stream.h"

#include <simdjson.h>

#include "runner/base/json_error.h"
#include "runner/base/json_util.h"
#include "runner/source/record_scan.h"
#include "runner/trace/trace_field.h"
#include "runner/trace/trace_validator.h"

namespace arbiter {
namespace {

// The value of a sampled trace's `_sample`, compact like the rest of the line.
std::string SampleValue(const SampledTrace& trace) {
  std::string value = "{\"stratum\":";
  AppendJsonString(value, trace.stratum);
  value += trace.failure ? ",\"failure\":true,\"weight\":" : ",\"failure\":false,\"weight\":";
  AppendJsonNumber(value, trace.weight);
  if (!trace.focus.empty()) {
    value += ",\"focus\":";
    AppendJsonString(value, trace.focus);
  }
  value += '}';
  return value;
}

}  // namespace

Status OfferTraces(const std::vector<std::string>& inputs, const SampleOptions& options,
                   StratifiedSampler& sampler, std::FILE* diagnostics, SampleSummary& summary) {
  simdjson::dom::parser parser;
  SourceOptions source;
  source.hash_input = false;  // no report names the input's hash
  source.otlp = sampler.policy().otlp;
  ScanCallbacks callbacks;
  // One worker: the sampler takes traces one at a time, and the reading overlaps the parsing.
  callbacks.parse = [&](size_t, const ScannedRecord& record) -> Result<std::string> {
    simdjson::dom::element root;
    if (auto error = parser.parse(record.json.data(), record.json.size(), false).get(root)) {
      return JsonRefusal("not valid JSON", record.json, error);
    }
    // The traces `run` refuses (no trace_id, a field twice, a field of the wrong type) are
    // reported and skipped here too: sampled, they would take a label's place and a weight that
    // no score would ever stand for.
    std::string_view trace_id;
    if (Status valid = ValidateTrace(root, trace_id, nullptr); !valid.ok()) return valid.message();
    ARBITER_RETURN_IF_ERROR(sampler.Offer(root, record.json));
    ++summary.traces;
    return std::string();
  };
  return ScanRecords(inputs, source, 1, diagnostics, summary.skipped, callbacks, options.ranges);
}

Status WriteSample(StratifiedSampler& sampler, AtomicFile& out, SampleSummary& summary) {
  for (const SampledTrace& trace : sampler.Finish(&summary.plan)) {
    // The trace keeps its bytes; `_sample` goes last (an earlier sample's is replaced).
    Result<std::string> line = SetTopLevelField(trace.json, "_sample", SampleValue(trace));
    if (!line.ok()) return Status::Internal("a sampled trace no longer parses");
    *line += '\n';
    ARBITER_RETURN_IF_ERROR(out.Append(*line));
    ++summary.sampled;
  }
  return Status::OK();
}

Result<SampleSummary> SampleTraces(const std::vector<std::string>& inputs,
                                   const SamplePolicy& policy, const SampleOptions& options,
                                   AtomicFile* out, std::FILE* diagnostics) {
  SampleSummary summary;
  StratifiedSampler sampler(policy, options.seed, options.focus_collected, out != nullptr);
  ARBITER_RETURN_IF_ERROR(OfferTraces(inputs, options, sampler, diagnostics, summary));
  if (!out) {
    summary.plan = sampler.Plan();
    return summary;
  }
  ARBITER_RETURN_IF_ERROR(WriteSample(sampler, *out, summary));
  return summary;
}

}  // namespace arbiter
