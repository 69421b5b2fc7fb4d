// The spans of one trace -> one trace in our format (SPEC "Trace format"). Per-span reading is
// otlp_conventions.h; this file decides which span gives which field. docs/TRACE_MAPPING.md has
// the table; in short:
//  - Spans are ordered root first, then by start time (ties keep arrival order). The root is the
//    earliest span without a parent, else (root never arrived) the earliest span whose parent is
//    not in the trace.
//  - trace_id: the traceId (hex). timestamp: root start (RFC 3339, UTC). latency_ms: root end -
//    start. status: the root's, the outcome the user saw: "error" when it is ERROR, else "ok"
//    (UNSET included). span_errors: {"count", "messages": the first 3} over the other spans with
//    status ERROR, errors the agent recovered from; absent when there are none.
//  - messages: the first LLM span's input then output messages; each later LLM span whose input
//    continues the conversation so far adds its new input messages, and every later LLM span adds
//    its output messages.
//  - input / output: the root's input / output (input.value, traceloop.entity.*), else the last
//    user / assistant message's content; no output when the root failed without one of its own.
//  - tool_calls: one per tool span, in order ({name, [id], arguments, result, error}, null for
//    what the span does not say); with no tool span, the tool calls the LLM requested in its
//    messages (result from the tool message with the same tool_call_id, when there is one).
//  - retrieved_documents: every span's documents, in order. model, prompt_version, session_id,
//    user_id: the first span that has one (LLM spans first for model). usage: token counts summed
//    over LLM spans (the root's when no LLM span has any).
//  - metadata: resource service.name as "service", the provider as "provider", then each span's
//    metadata, traceloop.association.properties.* and metadata.<path> attributes (later spans
//    win; a path sets only its leaf, "metadata.a.b" -> {"a": {"b": ...}}).
//  - otel: {"span_count", "resource", "spans": [{"name", "span_id", ["parent_span_id"], "kind",
//    "duration_ms", ["error"], ["attributes": attributes no rule read]}]}: nothing is lost.
//  - Last, every `arbiter.<path>` attribute, and every attribute options.attribute_map names,
//    sets that path (dot-separated object keys), spans in the order above, so a later span wins.
#pragma once

#include <string>
#include <vector>

#include "runner/base/status.h"
#include "runner/source/otlp/mapping_options.h"
#include "runner/source/otlp/span.h"

namespace arbiter {

// REQUIRES: `spans` is not empty and all have one trace_id. Reorders `spans`.
OrderedJson MapOtlpTrace(std::vector<OtlpSpan>& spans, const OtlpMappingOptions& options = {});

// MapOtlpTrace as one line of JSON text.
std::string MapOtlpTraceJson(std::vector<OtlpSpan>& spans, const OtlpMappingOptions& options = {});

// MapOtlpTraceJson for the callers that must let no exception escape (the file sources, serve):
// what the JSON library cannot represent (it throws) is an error naming the trace.
Result<std::string> TryMapOtlpTraceJson(std::vector<OtlpSpan>& spans,
                                        const OtlpMappingOptions& options);

// Sets `path` ("a.b.c") in `root` to `value`, creating objects on the way (replacing a non-object
// in the way).
void SetJsonPath(OrderedJson& root, std::string_view path, OrderedJson value);

}  // namespace arbiter
