// OTLP/JSON trace input (SPEC "Trace format"): OpenTelemetry Collector file-exporter lines and
// OTLP/HTTP request bodies (ExportTraceServiceRequest), spans assembled into traces and mapped
// onto our trace fields from the OpenInference, OpenTelemetry GenAI and OpenLLMetry conventions.
// The mapping is documented in docs/TRACE_MAPPING.md.
//
// Documents: a line holding a whole JSON document is one document (file-exporter lines, one-line
// request bodies). A line that is a lone "{" starts a pretty-printed document that runs until
// its braces balance; it may not exceed SourceOptions::max_line_bytes.
//
// Error records (reading goes on after each): a line or document that is not JSON, is too long,
// or is not an OTLP trace document; a span that cannot be read (no traceId, a wrong type; see
// otlp_document.h); a late span (its trace was already emitted, see otlp_assembler.h). An error
// record's line is the first line of the document it comes from; a trace's line is that of the
// document that brought its first span.
#pragma once

#include <cstdint>
#include <memory>

#include "runner/base/line_reader.h"
#include "runner/source/otlp/assembler.h"
#include "runner/source/trace_source.h"

namespace arbiter {

struct OtlpSourceStats {
  uint64_t documents = 0;       // documents read, good or not
  uint64_t spans = 0;           // spans read
  uint64_t traces = 0;          // traces emitted
  uint64_t late_spans = 0;      // spans refused because their trace was already emitted
  uint64_t evicted_traces = 0;  // traces emitted early because max_open_traces was reached
  size_t open_traces = 0;       // traces open now
  size_t max_open_traces = 0;   // the most traces open at once so far
};

class OtlpTraceSource : public TraceSource {
 public:
  virtual OtlpSourceStats stats() const = 0;
};

// A source that reads OTLP/JSON from `reader` and yields one TraceRecord per assembled trace,
// its `json` in our trace format. Memory is bounded by `assembly.max_open_traces` open traces,
// not proportional to the number of traces.
std::unique_ptr<OtlpTraceSource> MakeOtlpSource(std::unique_ptr<LineReader> reader,
                                                const SourceOptions& options,
                                                const OtlpAssemblyOptions& assembly);

// The same with the default OtlpAssemblyOptions.
std::unique_ptr<TraceSource> MakeOtlpSource(std::unique_ptr<LineReader> reader,
                                            const SourceOptions& options);

}  // namespace arbiter
