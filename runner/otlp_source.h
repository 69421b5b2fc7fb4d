// OTLP/JSON trace input (SPEC "Trace format"): OpenTelemetry Collector file-exporter lines and
// OTLP/HTTP request bodies (ExportTraceServiceRequest), spans assembled into traces and mapped
// onto our trace fields from the OpenInference, OpenTelemetry GenAI and OpenLLMetry conventions.
// The mapping is documented in docs/TRACE_MAPPING.md.
#pragma once

#include <memory>

#include "runner/line_reader.h"
#include "runner/trace_source.h"

namespace arbiter {

// A source that reads OTLP/JSON from `reader` and yields one TraceRecord per assembled trace,
// its `json` in our trace format. Memory is bounded (see the implementation's comment on when
// a trace is complete), not proportional to the number of traces.
std::unique_ptr<TraceSource> MakeOtlpSource(std::unique_ptr<LineReader> reader,
                                            const SourceOptions& options);

}  // namespace arbiter
