#include "runner/redact/stream.h"

#include <nlohmann/json.hpp>

#include "runner/source/trace_records.h"

namespace arbiter {

Result<RedactSummary> RedactTraces(const std::vector<std::string>& inputs, const Redactor& redactor,
                                   AtomicFile& out, std::FILE* diagnostics) {
  RedactSummary summary;
  std::string line;
  Status status = ForEachTraceRecord(
      inputs, diagnostics, summary.skipped, [&](const TraceRecord& record) -> Result<std::string> {
        nlohmann::ordered_json trace = nlohmann::ordered_json::parse(record.json, nullptr, false);
        if (trace.is_discarded()) return std::string("not valid JSON");
        if (!trace.is_object()) return std::string("a trace must be a JSON object");
        redactor.RedactJson(trace, summary.counts);
        // Invalid UTF-8 cannot survive the parse, but replace rather than throw if it ever does.
        line = trace.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        line += '\n';
        ARBITER_RETURN_IF_ERROR(out.Append(line));
        ++summary.traces;
        return std::string();
      });
  if (!status.ok()) return status;
  return summary;
}

}  // namespace arbiter
