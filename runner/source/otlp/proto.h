// OTLP/protobuf <-> the spans of span.h, so that protobuf files, OTLP/HTTP protobuf bodies and
// OTLP/gRPC requests go through the same assembly and mapping (mapping.h) as OTLP/JSON.
// The messages are proto/opentelemetry/proto/*, compiled at build time.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/arena.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.pb.h>

#include "runner/source/otlp/span.h"

namespace arbiter {

using OtlpExportRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

// Appends the request's spans to `spans` in message order, as ReadOtlpDocument does for
// OTLP/JSON: ids become lowercase hex (an all-zero parent is "no parent"), AnyValues become
// JSON (bytes as their base64 text, non-finite doubles as null), the resource's attributes are
// shared by its spans. A span with a trace id that is not 16 bytes or a span id that is not 8
// bytes (or a parent id of another length than 0 or 8) is skipped with a problem naming its place
// ("resourceSpans[0].scopeSpans[1].spans[2]: traceId is 3 bytes, not 16").
void ReadOtlpProto(const OtlpExportRequest& request, std::vector<OtlpSpan>& spans,
                   std::vector<std::string>& problems);

// Parses one serialized ExportTraceServiceRequest (or TracesData: the same fields) into
// `request`; false when `bytes` is not a valid message (or over protobuf's 2 GB limit).
bool ParseOtlpRequest(std::string_view bytes, OtlpExportRequest& request);

// Why the last ParseOtlpRequest on this thread failed, when protobuf said ("String field
// 'opentelemetry.proto.common.v1.KeyValue.key' contains invalid UTF-8 data ..."), else "".
std::string LastOtlpParseProblem();

// `message` followed by ": " and LastOtlpParseProblem() when there is one: how every caller
// reports a message that did not parse.
std::string WithOtlpParseProblem(std::string message);

// protobuf writes such problems to stderr itself: from untrusted clients, a line per bad request
// that a server's log cannot bound. From the first call on, they go to LastOtlpParseProblem()
// instead (the callers report the failure once, in their own words; gRPC's own parse of an
// Export call drops them); protobuf's other messages still reach stderr. protobuf's handler is
// not thread-safe to change: the CLI calls this before any thread starts; ParseOtlpRequest calls
// it too (once) for tests and fuzz targets. A no-op from protobuf 22 on (Abseil logging).
void KeepProtobufLogsOffStderr();

// The request parsed on `arena` (a request's hundreds of small strings are freed at once with
// it, not one by one), or null when `bytes` is not a valid message.
OtlpExportRequest* ParseOtlpRequest(std::string_view bytes, google::protobuf::Arena& arena);

// Parses one serialized ExportTraceServiceRequest (or TracesData: the same fields) and reads it.
// False, with nothing appended, when `bytes` is not a valid message.
bool ReadOtlpProtoBytes(std::string_view bytes, std::vector<OtlpSpan>& spans,
                        std::vector<std::string>& problems);

// An id's bytes as the lowercase hex that OtlpSpan holds.
std::string OtlpHexId(const std::string& bytes);

// Keeps the request's spans (in `scope_spans`, the field WriteOtlpProto writes) whose trace id
// (its bytes) `keep` accepts, dropping the scopes and resources left empty, without reading the
// spans into OtlpSpans; returns how many it kept.
size_t KeepOtlpSpans(OtlpExportRequest& request,
                     const std::function<bool(const std::string& trace_id)>& keep);

// The spans as one request: one ResourceSpans per run of spans sharing a resource, one scope
// each. Reading the result back gives the same spans (JSON integers beyond int64 become doubles).
void WriteOtlpProto(const std::vector<OtlpSpan>& spans, OtlpExportRequest& request);

}  // namespace arbiter
