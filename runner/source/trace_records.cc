#include "runner/source/trace_records.h"

namespace arbiter {

std::string SkipMessage(std::string_view input, uint64_t line, std::string_view reason) {
  std::string message(input);
  message += ':';
  message += std::to_string(line);
  message += ": ";
  message += reason;
  message += "; skipped";
  return message;
}

Status ForEachTraceRecord(const std::vector<std::string>& inputs, std::FILE* diagnostics,
                          uint64_t& skipped, const RecordHandler& handler) {
  SourceOptions options;
  options.hash_input = false;  // these commands report no input hash
  return ForEachTraceRecord(
      inputs, diagnostics, skipped,
      [&](size_t, const TraceRecord& record) { return handler(record); }, options);
}

Status ForEachTraceRecord(const std::vector<std::string>& inputs, std::FILE* diagnostics,
                          uint64_t& skipped, const InputRecordHandler& handler,
                          const SourceOptions& options) {
  for (size_t index = 0; index < inputs.size(); ++index) {
    const std::string& input = inputs[index];
    ARBITER_ASSIGN_OR_RETURN(auto source, OpenTraceSource(input, options));
    TraceRecord record;
    while (source->Next(record)) {
      std::string reason = record.error;
      if (reason.empty()) {
        ARBITER_ASSIGN_OR_RETURN(std::string handled, handler(index, record));
        reason = handled;
      }
      if (reason.empty()) continue;
      std::fprintf(diagnostics, "%s\n", SkipMessage(input, record.line, reason).c_str());
      ++skipped;
    }
    ARBITER_RETURN_IF_ERROR(source->status());
  }
  return Status::OK();
}

}  // namespace arbiter
