// What one span says in our terms, read from the attribute conventions that LLM instrumentation
// uses: OpenInference (Arize), the OpenTelemetry GenAI semantic conventions (the span-event form
// of v1.36 and before, and the gen_ai.*.messages attributes after it), OpenLLMetry (Traceloop)
// and our own `arbiter.<path>` attributes. The trace-level rules (which span gives what) are in
// otlp_mapping.h; the full table is docs/TRACE_MAPPING.md.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/source/otlp/mapping_options.h"
#include "runner/source/otlp/span.h"

namespace arbiter {

enum class SpanKind { kOther, kLlm, kTool, kRetriever, kAgent, kChain, kEmbedding };

struct SpanFacts {
  SpanKind kind = SpanKind::kOther;
  // input.value / output.value (OpenInference) or traceloop.entity.input / .output.
  std::optional<OrderedJson> input;
  std::optional<OrderedJson> output;
  std::string input_key, output_key;  // the attributes they came from
  std::string model;     // llm.model_name, else gen_ai.response.model, else gen_ai.request.model
  std::string provider;  // gen_ai.provider.name, gen_ai.system, llm.provider, llm.system
  // Token counts (JSON numbers) by our usage names; one source per span, no double counting.
  std::optional<OrderedJson> input_tokens, output_tokens, total_tokens;
  // Messages in our form: {"role", "content", ["name"], ["tool_call_id"], ["tool_calls"]}.
  std::vector<OrderedJson> input_messages;
  std::vector<OrderedJson> output_messages;
  // {"id", "content", ["score"], ["metadata"], ...}: retrieval.documents.*, else db.query.result
  // events (query_results.h).
  std::vector<OrderedJson> documents;
  // A tool span's call: name, arguments and result (absent when the span has none).
  std::string tool_name;
  std::optional<OrderedJson> tool_arguments;
  std::optional<OrderedJson> tool_result;
  std::string tool_call_id;
  std::optional<std::string> session_id, user_id, prompt_version;
  OrderedJson metadata = OrderedJson::object();  // metadata (JSON), association properties
  // metadata.<path> attributes ("a.b" -> {"a": {"b": value}}), set after `metadata`.
  std::vector<std::pair<std::string, OrderedJson>> metadata_paths;
  bool error = false;         // status ERROR
  std::string error_message;  // status message, else exception.message, else error.type
  std::vector<std::pair<std::string, OrderedJson>> overrides;  // arbiter.<path> -> value
  // Attributes no rule read, kept in `otel`. Tool attributes of a span that is no tool span are
  // here too; input / output of spans other than the root and tools are added by the mapping.
  OrderedJson unknown = OrderedJson::object();
};

// Reads `span`'s attributes and events; attribute values are moved out of `span`. An attribute
// in `options.attribute_map` is read as an `arbiter.<path>` override, before any convention.
SpanFacts ExtractSpanFacts(OtlpSpan& span, const OtlpMappingOptions& options = {});

// `text` parsed as JSON when it is a JSON document, else nullopt. Used for attributes that carry
// JSON in a string (metadata, tool arguments, traceloop.entity.*).
std::optional<OrderedJson> ParseJsonText(std::string_view text);

}  // namespace arbiter
