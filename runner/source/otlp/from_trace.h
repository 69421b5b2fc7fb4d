// Our traces -> OTLP spans: the inverse of otlp_mapping.h, used by arbiter-to-otlp to make OTLP
// input from JSONL traces (the demo's traces.otlp.jsonl, benchmarks, round-trip tests).
//
// Spans (OpenInference attributes where a convention exists):
//  - root "agent" (AGENT): input.value, output.value, session.id, user.id, metadata (JSON text);
//    start = timestamp, end = start + latency_ms; status OK for "ok", ERROR for "error".
//  - "llm" (LLM), when there are messages, a model, token counts or a prompt_version:
//    llm.input_messages.* (every message but a final assistant one), llm.output_messages.* (that
//    one), llm.model_name, llm.token_count.prompt/completion/total, llm.prompt_template.version.
//  - "retrieve" (RETRIEVER) with retrieval.documents.N.document.{id,content,score,metadata}.
//  - one TOOL span per tool call: tool.name, input.value (arguments as JSON), output.value (the
//    result), status ERROR with the error as message and an exception event.
//  - Everything without a convention as `arbiter.<field>` attributes on the root: feedback and
//    usage keys other than the token counts (arbiter.feedback.thumbs,
//    arbiter.usage.context_window), unknown top-level fields, and trace_id when it is not 32 hex
//    digits (the traceId is then derived from it).
// Then the spans are read back in-process with MapOtlpTrace, and every field that does not come
// back equal (a message with fields OpenInference has no name for, a timestamp with an offset,
// ...) is carried whole as `arbiter.<field>`, so reading the output gives the same fields.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/source/otlp/span.h"

namespace arbiter {

struct SpansFromTraceResult {
  std::vector<OtlpSpan> spans;  // root first
  // Top-level fields carried whole as arbiter.<field> because the conventions could not.
  std::vector<std::string> carried;
  // Fields that cannot come back equal (a key with a '.' cannot be an arbiter.* path).
  std::vector<std::string> lost;
};

// `trace` must be an object. `index` (the trace's position in its file) makes span ids and
// default times (when there is no timestamp) deterministic.
SpansFromTraceResult SpansFromTrace(const OrderedJson& trace, uint64_t index);

// OTLP/JSON lines (file-exporter form) for a group of traces, each root first. Without `spread`,
// one line per trace. With `spread`, line k carries the k-th span of every trace in the group
// that has one, children before roots (as batching exporters send them), so each trace spans
// several lines interleaved with the others.
std::vector<std::string> OtlpLinesForGroup(const std::vector<std::vector<OtlpSpan>>& group,
                                           bool spread);

}  // namespace arbiter
