#include "runner/sample_stream.h"

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "runner/sampler.h"
#include "runner/trace_records.h"

namespace arbiter {

Result<SampleSummary> SampleTraces(const std::vector<std::string>& inputs,
                                   const SamplePolicy& policy, uint64_t seed, AtomicFile& out,
                                   std::FILE* diagnostics) {
  SampleSummary summary;
  StratifiedSampler sampler(policy, seed);
  simdjson::dom::parser parser;
  Status read = ForEachTraceRecord(
      inputs, diagnostics, summary.skipped, [&](const TraceRecord& record) -> Result<std::string> {
        simdjson::dom::element root;
        if (auto error = parser.parse(record.json.data(), record.json.size()).get(root)) {
          return std::string("not valid JSON: ") + simdjson::error_message(error);
        }
        if (!root.is_object()) return std::string("a trace must be a JSON object");
        sampler.Offer(root, record.json);
        ++summary.traces;
        return std::string();
      });
  if (!read.ok()) return read;

  std::string line;
  for (SampledTrace& trace : sampler.Finish()) {
    // Parsed again only for the (bounded) sample: `_sample` replaces any earlier one.
    nlohmann::ordered_json document = nlohmann::ordered_json::parse(trace.json);
    document["_sample"] = {
        {"stratum", trace.stratum}, {"failure", trace.failure}, {"weight", trace.weight}};
    line = document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    line += '\n';
    ARBITER_RETURN_IF_ERROR(out.Append(line));
    ++summary.sampled;
  }
  return summary;
}

}  // namespace arbiter
