// Writing spans as OTLP/JSON, the way the OpenTelemetry Collector's file exporter writes them
// (ids as hex, 64-bit integers and times as decimal strings). Used by arbiter-to-otlp and tests;
// the inverse of otlp_document.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runner/source/otlp/span.h"

namespace arbiter {

// `value` as an AnyValue: string -> stringValue, bool -> boolValue, integer -> intValue (decimal
// string), double -> doubleValue, array -> arrayValue, object -> kvlistValue, null -> {}.
void AppendAnyValue(std::string& out, const OrderedJson& value);

// One ExportTraceServiceRequest as one line (no newline): a resourceSpans entry per run of
// consecutive spans that share a resource, each with one scope named `scope_name`.
std::string OtlpRequestJson(const std::vector<const OtlpSpan*>& spans, std::string_view scope_name);

}  // namespace arbiter
