// Reading one OTLP/JSON trace document (an ExportTraceServiceRequest body or one line of the
// Collector's file exporter) into spans: resourceSpans -> scopeSpans (or the legacy
// instrumentationLibrarySpans) -> spans.
#pragma once

#include <string>
#include <vector>

#include <simdjson.h>

#include "runner/source/otlp/span.h"

namespace arbiter {

// Appends the document's spans to `spans` in document order and a reason to `problems` for
// everything that could not be read. Rules:
//  - not an object, or no "resourceSpans" array: one problem, no spans;
//  - a span without a valid traceId or spanId (or with a malformed parentSpanId) is skipped, with
//    a problem naming its place ("resourceSpans[0].scopeSpans[1].spans[2]: no traceId");
//  - a malformed attribute, event or status is left out of a span that is otherwise kept, with a
//    problem naming it.
void ReadOtlpDocument(simdjson::dom::element root, std::vector<OtlpSpan>& spans,
                      std::vector<std::string>& problems);

}  // namespace arbiter
