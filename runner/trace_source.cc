#include "runner/trace_source.h"

#include "runner/jsonl_source.h"
#include "runner/line_reader.h"
#include "runner/otlp_source.h"

namespace arbiter {
namespace {

// OTLP/JSON documents open with "resourceSpans" (file-exporter lines, request bodies), our
// traces with their own fields. Only the first non-blank line is looked at; a pretty-printed
// request body whose first line is a lone "{" is OTLP too, since a JSONL trace is one line.
TraceFormat DetectFormat(std::string_view first_line) {
  size_t start = first_line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return TraceFormat::kJsonl;
  std::string_view rest = first_line.substr(start);
  if (rest == "{" || rest.find("\"resourceSpans\"") != std::string_view::npos) {
    return TraceFormat::kOtlp;
  }
  return TraceFormat::kJsonl;
}

}  // namespace

Result<std::unique_ptr<TraceSource>> OpenTraceSource(const std::string& path,
                                                     const SourceOptions& options) {
  auto reader = LineReader::Open(path, options.max_line_bytes);
  if (!reader.ok()) return reader.status();
  TraceFormat format = options.format;
  if (format == TraceFormat::kAuto) {
    format = TraceFormat::kJsonl;
    Line line;
    while ((*reader)->Next(line)) {
      if (line.oversized || line.text.find_first_not_of(" \t\r") != std::string_view::npos) {
        if (!line.oversized) format = DetectFormat(line.text);
        (*reader)->PushBack();
        break;
      }
    }
    if (!(*reader)->status().ok()) return (*reader)->status();
  }
  if (format == TraceFormat::kOtlp) return MakeOtlpSource(std::move(*reader), options);
  return MakeJsonlSource(std::move(*reader));
}

}  // namespace arbiter
