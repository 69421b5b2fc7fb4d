#include "runner/redact/stream.h"

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "runner/base/json_error.h"
#include "runner/source/trace_records.h"
#include "runner/trace/trace_validator.h"

namespace arbiter {

Result<RedactSummary> RedactTraces(const std::vector<std::string>& inputs, const Redactor& redactor,
                                   AtomicFile& out, std::FILE* diagnostics) {
  RedactSummary summary;
  std::string line;
  Status status = ForEachTraceRecord(
      inputs, diagnostics, summary.skipped, [&](const TraceRecord& record) -> Result<std::string> {
        // The nesting limit `run`, `sample` and `triage` parse with (simdjson's): past it, the
        // values are dropped while parsing (nlohmann's parser is iterative) and the line is
        // skipped, never redacted or written, whose recursion would overflow the stack.
        bool too_deep = false;
        // nlohmann keeps the last of a repeated key where `run` reads the first: refused alike.
        KnownFieldTracker known;
        Status repeated;
        auto limit_depth = [&](int depth, nlohmann::ordered_json::parse_event_t event,
                               nlohmann::ordered_json& parsed) {
          using Event = nlohmann::ordered_json::parse_event_t;
          if (event == Event::key && depth == 1 && repeated.ok()) {
            repeated = known.Add(parsed.get_ref<const std::string&>());
          }
          if ((event == Event::object_start || event == Event::array_start) &&
              depth >= static_cast<int>(simdjson::DEFAULT_MAX_DEPTH)) {
            too_deep = true;
          }
          return !too_deep;
        };
        nlohmann::ordered_json trace;
        try {
          trace = nlohmann::ordered_json::parse(record.json, limit_depth);
        } catch (const nlohmann::json::exception& e) {
          if (!too_deep) return NotValidJsonLine(e);
        }
        if (too_deep) {
          return std::string("not valid JSON: ") + simdjson::error_message(simdjson::DEPTH_ERROR);
        }
        if (!repeated.ok()) return repeated.message();
        if (!trace.is_object()) return std::string("a trace must be a JSON object");
        // A redacted trace is labeled and joined with scores by its id, as `run` requires it.
        auto id = trace.find("trace_id");
        if (id == trace.end()) return std::string("missing required field 'trace_id'");
        if (!id->is_string()) {
          const std::string kind = id->type_name();  // the words of `run`'s message
          return "field 'trace_id' must be a string, got " +
                 (kind == "null" ? kind : (id->is_structured() ? "an " : "a ") + kind);
        }
        if (id->get_ref<const std::string&>().empty()) {
          return std::string("field 'trace_id' is empty");
        }
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
