#include "runner/source/otlp/conventions.h"

#include <array>
#include <charconv>
#include <map>

#include "runner/source/otlp/messages.h"
#include "runner/source/otlp/query_results.h"

namespace arbiter {
namespace {

bool StripPrefix(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

std::string AsText(const OrderedJson& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

SpanKind KindFromOpenInference(std::string_view kind) {
  if (kind == "LLM") return SpanKind::kLlm;
  if (kind == "TOOL") return SpanKind::kTool;
  if (kind == "RETRIEVER") return SpanKind::kRetriever;
  if (kind == "AGENT") return SpanKind::kAgent;
  if (kind == "CHAIN") return SpanKind::kChain;
  if (kind == "EMBEDDING") return SpanKind::kEmbedding;
  return SpanKind::kOther;  // RERANKER, GUARDRAIL, EVALUATOR, UNKNOWN
}

SpanKind KindFromGenAiOperation(std::string_view operation) {
  if (operation == "chat" || operation == "text_completion" || operation == "generate_content" ||
      operation == "completion") {
    return SpanKind::kLlm;
  }
  if (operation == "execute_tool") return SpanKind::kTool;
  if (operation == "invoke_agent" || operation == "create_agent") return SpanKind::kAgent;
  if (operation == "embeddings") return SpanKind::kEmbedding;
  if (operation == "invoke_workflow") return SpanKind::kChain;
  return SpanKind::kOther;
}

SpanKind KindFromTraceloop(std::string_view kind) {
  if (kind == "tool") return SpanKind::kTool;
  if (kind == "agent") return SpanKind::kAgent;
  if (kind == "workflow" || kind == "task") return SpanKind::kChain;
  return SpanKind::kOther;
}

// traceloop.entity.input / .output hold the JSON of the function's arguments or return value; a
// decorated function's arguments arrive as {"args": [...], "kwargs": {...}}.
OrderedJson EntityValue(const OrderedJson& value, bool arguments) {
  if (!value.is_string()) return value;
  auto parsed = ParseJsonText(value.get_ref<const std::string&>());
  if (!parsed) return value;
  if (parsed->is_object() && parsed->contains("args") && parsed->contains("kwargs")) {
    const OrderedJson& args = (*parsed)["args"];
    const OrderedJson& kwargs = (*parsed)["kwargs"];
    if (args.is_array() && kwargs.is_object()) {
      if (arguments && args.empty()) return kwargs;
      if (!arguments && args.size() == 1 && kwargs.empty()) return args[0];
    }
  }
  return std::move(*parsed);
}

// input.value / output.value are text; with mime type application/json they are JSON.
OrderedJson MaybeJson(const OrderedJson& value, const OrderedJson* mime_type) {
  if (value.is_string() && mime_type && *mime_type == "application/json") {
    if (auto parsed = ParseJsonText(value.get_ref<const std::string&>())) return *parsed;
  }
  return value;
}

void MergeObject(OrderedJson& into, const OrderedJson& from) {
  OrderedJson parsed;
  const OrderedJson* object = &from;
  if (from.is_string()) {
    auto json = ParseJsonText(from.get_ref<const std::string&>());
    if (!json || !json->is_object()) return;
    parsed = std::move(*json);
    object = &parsed;
  }
  if (!object->is_object()) return;
  for (auto it = object->begin(); it != object->end(); ++it) into[it.key()] = it.value();
}

// Token counts by priority: OpenInference, GenAI, older GenAI names, OpenLLMetry.
enum TokenSource { kOpenInference, kGenAi, kGenAiOld, kOpenLlmetry, kSources };
struct Tokens {
  std::array<OrderedJson*, kSources> input{}, output{}, total{};
  static std::optional<OrderedJson> Pick(const std::array<OrderedJson*, kSources>& slots) {
    for (const OrderedJson* value : slots) {
      if (value && value->is_number()) return *value;
    }
    return std::nullopt;
  }
};

// Everything the attribute loop collects before the span-level choices are made.
struct Collected {
  SpanKind oi_kind = SpanKind::kOther, genai_kind = SpanKind::kOther,
           traceloop_kind = SpanKind::kOther;
  bool llm_request_type = false;
  // Values of the span's attributes, moved out when they become facts.
  OrderedJson *input_value = nullptr, *input_mime = nullptr, *output_value = nullptr,
              *output_mime = nullptr, *entity_input = nullptr, *entity_output = nullptr,
              *entity_name = nullptr;
  OrderedJson *oi_model = nullptr, *response_model = nullptr, *request_model = nullptr;
  OrderedJson *tool_parameters = nullptr, *tool_name = nullptr, *genai_tool_name = nullptr,
              *tool_arguments = nullptr, *tool_result = nullptr, *tool_call_id = nullptr;
  OrderedJson *conversation_id = nullptr, *session_id = nullptr, *user_id = nullptr,
              *association_session = nullptr, *association_user = nullptr;
  OrderedJson* error_type = nullptr;
  // gen_ai.provider.name, gen_ai.system, llm.provider, llm.system: in priority order.
  std::array<OrderedJson*, 4> provider{};
  Tokens tokens;
  FlatMessages oi_input, oi_output, flat_prompt, flat_completion;
  std::vector<OrderedJson> genai_system, genai_input, genai_output, json_prompt, json_completion;
  std::map<long, OrderedJson> documents;
};

bool CollectDocument(Collected& c, std::string_view rest, OrderedJson& value) {
  size_t dot = rest.find('.');
  long index = 0;
  if (dot == std::string_view::npos) return false;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + dot, index);
  if (ec != std::errc() || ptr != rest.data() + dot) return false;
  std::string_view field = rest.substr(dot + 1);
  StripPrefix(field, "document.");
  OrderedJson& document = c.documents[index];
  if (!document.is_object()) document = OrderedJson::object();
  if (field.empty() || field.find('.') != std::string_view::npos) return false;
  if (field == "metadata" && value.is_string()) {  // JSON text in OpenInference
    if (auto parsed = ParseJsonText(value.get_ref<const std::string&>())) {
      document["metadata"] = std::move(*parsed);
      return true;
    }
  }
  // id, content, score, and any other field of the document (a title, say) as it is.
  document[std::string(field)] = std::move(value);
  return true;
}

// One attribute; false when no rule reads it (it is then kept as unknown).
bool Collect(Collected& c, SpanFacts& facts, const std::string& key, OrderedJson& value) {
  auto Set = [&value](OrderedJson*& slot) {
    slot = &value;
    return true;
  };
  std::string_view k = key;
  std::string_view rest = k;
  if (StripPrefix(rest, "arbiter.")) {
    facts.overrides.emplace_back(std::string(rest), std::move(value));
    return true;
  }
  if (StripPrefix(rest, "llm.")) {
    if (StripPrefix(rest, "input_messages.")) return c.oi_input.Add(rest, value);
    if (StripPrefix(rest, "output_messages.")) return c.oi_output.Add(rest, value);
    if (rest == "model_name") return Set(c.oi_model);
    if (rest == "token_count.prompt") return Set(c.tokens.input[kOpenInference]);
    if (rest == "token_count.completion") return Set(c.tokens.output[kOpenInference]);
    if (rest == "token_count.total") return Set(c.tokens.total[kOpenInference]);
    if (rest == "usage.prompt_tokens") return Set(c.tokens.input[kOpenLlmetry]);
    if (rest == "usage.completion_tokens") return Set(c.tokens.output[kOpenLlmetry]);
    if (rest == "usage.total_tokens") return Set(c.tokens.total[kOpenLlmetry]);
    if (rest == "provider") return Set(c.provider[2]);
    if (rest == "system") return Set(c.provider[3]);
    if (rest == "prompt_template.version") {
      facts.prompt_version = AsText(value);
      return true;
    }
    if (rest == "request.type") {
      c.llm_request_type = true;
      return true;
    }
    return false;
  }
  if (StripPrefix(rest, "gen_ai.")) {
    if (StripPrefix(rest, "prompt.")) return c.flat_prompt.Add(rest, value);
    if (StripPrefix(rest, "completion.")) return c.flat_completion.Add(rest, value);
    if (rest == "operation.name" && value.is_string()) {
      c.genai_kind = KindFromGenAiOperation(value.get_ref<const std::string&>());
      return true;
    }
    if (rest == "provider.name") return Set(c.provider[0]);
    if (rest == "system") return Set(c.provider[1]);
    if (rest == "request.model") return Set(c.request_model);
    if (rest == "response.model") return Set(c.response_model);
    if (rest == "usage.input_tokens") return Set(c.tokens.input[kGenAi]);
    if (rest == "usage.output_tokens") return Set(c.tokens.output[kGenAi]);
    if (rest == "usage.prompt_tokens") return Set(c.tokens.input[kGenAiOld]);
    if (rest == "usage.completion_tokens") return Set(c.tokens.output[kGenAiOld]);
    if (rest == "usage.total_tokens") return Set(c.tokens.total[kGenAi]);
    if (rest == "input.messages") return AppendGenAiMessages(value, false, c.genai_input);
    if (rest == "output.messages") return AppendGenAiMessages(value, false, c.genai_output);
    if (rest == "system_instructions") return AppendGenAiMessages(value, true, c.genai_system);
    if (rest == "prompt") return AppendGenAiMessages(value, false, c.json_prompt);
    if (rest == "completion") return AppendGenAiMessages(value, false, c.json_completion);
    if (rest == "tool.name") return Set(c.genai_tool_name);
    if (rest == "tool.call.arguments") return Set(c.tool_arguments);
    if (rest == "tool.call.result") return Set(c.tool_result);
    if (rest == "tool.call.id") return Set(c.tool_call_id);
    if (rest == "conversation.id") return Set(c.conversation_id);
    return false;
  }
  if (StripPrefix(rest, "traceloop.")) {
    if (StripPrefix(rest, "association.properties.")) {
      if (rest == "session_id" || rest == "user_id") {
        (rest == "session_id" ? c.association_session : c.association_user) = &value;
        facts.metadata[std::string(rest)] = value;  // a copy: `value` is read again later
      } else {
        facts.metadata[std::string(rest)] = std::move(value);
      }
      return true;
    }
    if (rest == "span.kind" && value.is_string()) {
      c.traceloop_kind = KindFromTraceloop(value.get_ref<const std::string&>());
      return true;
    }
    if (rest == "entity.input") return Set(c.entity_input);
    if (rest == "entity.output") return Set(c.entity_output);
    if (rest == "entity.name") return Set(c.entity_name);
    return false;
  }
  if (StripPrefix(rest, "retrieval.documents.")) return CollectDocument(c, rest, value);
  if (k == "openinference.span.kind" && value.is_string()) {
    c.oi_kind = KindFromOpenInference(value.get_ref<const std::string&>());
    return true;
  }
  if (k == "input.value") return Set(c.input_value);
  if (k == "input.mime_type") return Set(c.input_mime);
  if (k == "output.value") return Set(c.output_value);
  if (k == "output.mime_type") return Set(c.output_mime);
  if (k == "tool.name") return Set(c.tool_name);
  if (k == "tool.parameters") return Set(c.tool_parameters);
  if (k == "session.id") return Set(c.session_id);
  if (k == "user.id") return Set(c.user_id);
  if (k == "error.type") return Set(c.error_type);
  if (k == "metadata") {
    MergeObject(facts.metadata, value);
    return true;
  }
  // The flat form GenAI-convention instrumentations emit custom span attributes in.
  if (StripPrefix(rest, "metadata.") && IsObjectKeyPath(rest)) {
    facts.metadata_paths.emplace_back(std::string(rest), std::move(value));
    return true;
  }
  return false;
}

OrderedJson* First(std::initializer_list<OrderedJson*> candidates) {
  for (OrderedJson* value : candidates) {
    if (value && !value->is_null()) return value;
  }
  return nullptr;
}

std::optional<std::string> FirstText(std::initializer_list<OrderedJson*> candidates) {
  const OrderedJson* value = First(candidates);
  if (!value) return std::nullopt;
  return AsText(*value);
}

// The first non-empty message source, by convention priority.
std::vector<OrderedJson> PickMessages(const FlatMessages& openinference,
                                      std::vector<OrderedJson>& genai, const FlatMessages& flat,
                                      std::vector<OrderedJson>& json,
                                      std::vector<OrderedJson>& events) {
  if (!openinference.empty()) return openinference.Build();
  if (!genai.empty()) return std::move(genai);
  if (!flat.empty()) return flat.Build();
  if (!json.empty()) return std::move(json);
  return std::move(events);
}

}  // namespace

std::optional<OrderedJson> ParseJsonText(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return std::nullopt;
  char first = text[start];
  // Only documents that are clearly JSON; a plain sentence is never parsed.
  if (first != '{' && first != '[' && first != '"') return std::nullopt;
  OrderedJson parsed = OrderedJson::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

SpanFacts ExtractSpanFacts(OtlpSpan& span, const OtlpMappingOptions& options) {
  SpanFacts facts;
  Collected c;
  const auto& mapped = options.attribute_map;
  for (OtlpAttribute& attribute : span.attributes) {
    if (!mapped.empty()) {
      auto target = mapped.find(attribute.key);
      if (target != mapped.end()) {
        facts.overrides.emplace_back(target->second, std::move(attribute.value));
        continue;
      }
    }
    if (!Collect(c, facts, attribute.key, attribute.value)) {
      facts.unknown[attribute.key] = std::move(attribute.value);
    }
  }

  // Messages carried by span events (GenAI up to v1.36), and exceptions.
  std::vector<OrderedJson> event_input, event_output, event_documents;
  std::string exception_message;
  for (const OtlpEvent& event : span.events) {
    OrderedJson message;
    bool is_output = false;
    if (MessageFromEvent(event, message, is_output)) {
      (is_output ? event_output : event_input).push_back(std::move(message));
    } else if (DocumentFromQueryResultEvent(event, message)) {
      event_documents.push_back(std::move(message));
    } else if (event.name == "gen_ai.content.prompt" || event.name == "gen_ai.content.completion") {
      bool prompt = event.name == "gen_ai.content.prompt";
      const OrderedJson* value =
          FindAttribute(event.attributes, prompt ? "gen_ai.prompt" : "gen_ai.completion");
      if (value) AppendGenAiMessages(*value, false, prompt ? event_input : event_output);
    } else if (event.name == "gen_ai.client.inference.operation.details") {
      for (const OtlpAttribute& attribute : event.attributes) {
        if (attribute.key == "gen_ai.system_instructions") {
          AppendGenAiMessages(attribute.value, true, c.genai_system);
        } else if (attribute.key == "gen_ai.input.messages" && c.genai_input.empty()) {
          AppendGenAiMessages(attribute.value, false, c.genai_input);
        } else if (attribute.key == "gen_ai.output.messages" && c.genai_output.empty()) {
          AppendGenAiMessages(attribute.value, false, c.genai_output);
        }
      }
    } else if (event.name == "exception" && exception_message.empty()) {
      const OrderedJson* message = FindAttribute(event.attributes, "exception.message");
      if (!message) message = FindAttribute(event.attributes, "exception.type");
      if (message) exception_message = AsText(*message);
    }
  }
  if (!c.genai_system.empty() && !c.genai_input.empty()) {
    c.genai_input.insert(c.genai_input.begin(), c.genai_system.begin(), c.genai_system.end());
  } else if (!c.genai_system.empty()) {
    c.genai_input = std::move(c.genai_system);
  }
  facts.input_messages =
      PickMessages(c.oi_input, c.genai_input, c.flat_prompt, c.json_prompt, event_input);
  facts.output_messages =
      PickMessages(c.oi_output, c.genai_output, c.flat_completion, c.json_completion, event_output);

  facts.kind = c.oi_kind;
  if (facts.kind == SpanKind::kOther) facts.kind = c.genai_kind;
  if (facts.kind == SpanKind::kOther) facts.kind = c.traceloop_kind;
  OrderedJson* model = First({c.oi_model, c.response_model, c.request_model});
  if (facts.kind == SpanKind::kOther &&
      (c.llm_request_type || model || !facts.input_messages.empty() ||
       !facts.output_messages.empty())) {
    facts.kind = SpanKind::kLlm;
  }
  if (model) facts.model = AsText(*model);
  if (OrderedJson* provider = First({c.provider[0], c.provider[1], c.provider[2], c.provider[3]})) {
    facts.provider = AsText(*provider);
  }
  facts.input_tokens = Tokens::Pick(c.tokens.input);
  facts.output_tokens = Tokens::Pick(c.tokens.output);
  facts.total_tokens = Tokens::Pick(c.tokens.total);

  // A tool call: OpenInference puts the call's input in input.value (tool.parameters is the
  // declared schema, read only when there is no input), GenAI in gen_ai.tool.call.*, OpenLLMetry
  // in traceloop.entity.*.
  if (facts.kind == SpanKind::kTool) {
    if (const OrderedJson* name = First({c.tool_name, c.genai_tool_name, c.entity_name})) {
      facts.tool_name = AsText(*name);
    } else {
      facts.tool_name = span.name;
    }
    if (c.tool_arguments) {
      facts.tool_arguments = *c.tool_arguments;  // structured, or JSON text
      if (c.tool_arguments->is_string()) {
        if (auto parsed = ParseJsonText(c.tool_arguments->get_ref<const std::string&>())) {
          facts.tool_arguments = std::move(parsed);
        }
      }
    } else if (c.input_value) {
      facts.tool_arguments = MaybeJson(*c.input_value, c.input_mime);
    } else if (c.entity_input) {
      facts.tool_arguments = EntityValue(*c.entity_input, true);
    } else if (c.tool_parameters) {
      facts.tool_arguments = *c.tool_parameters;
      if (auto parsed = c.tool_parameters->is_string()
                            ? ParseJsonText(c.tool_parameters->get_ref<const std::string&>())
                            : std::nullopt) {
        facts.tool_arguments = std::move(parsed);
      }
    }
    if (c.tool_parameters && (c.tool_arguments || c.input_value || c.entity_input)) {
      facts.unknown["tool.parameters"] = *c.tool_parameters;  // the schema, not the call
    }
    if (c.tool_result) {
      facts.tool_result = *c.tool_result;
    } else if (c.output_value) {
      facts.tool_result = MaybeJson(*c.output_value, c.output_mime);
    } else if (c.entity_output) {
      facts.tool_result = EntityValue(*c.entity_output, false);
    }
    if (c.tool_call_id) facts.tool_call_id = AsText(*c.tool_call_id);
  } else {
    // Read only for tool spans; elsewhere they stay attributes like any other.
    for (const auto& [key, value] :
         {std::pair{"tool.name", c.tool_name}, std::pair{"tool.parameters", c.tool_parameters},
          std::pair{"gen_ai.tool.name", c.genai_tool_name},
          std::pair{"gen_ai.tool.call.arguments", c.tool_arguments},
          std::pair{"gen_ai.tool.call.result", c.tool_result},
          std::pair{"gen_ai.tool.call.id", c.tool_call_id},
          std::pair{"traceloop.entity.name", c.entity_name}}) {
      if (value) facts.unknown[key] = std::move(*value);
    }
  }
  if (c.input_value) {
    facts.input = std::move(*c.input_value);
    facts.input_key = "input.value";
  } else if (c.entity_input) {
    facts.input = EntityValue(*c.entity_input, false);
    facts.input_key = "traceloop.entity.input";
  }
  if (c.output_value) {
    facts.output = std::move(*c.output_value);
    facts.output_key = "output.value";
  } else if (c.entity_output) {
    facts.output = EntityValue(*c.entity_output, false);
    facts.output_key = "traceloop.entity.output";
  }
  // One form per span, as for messages: the attributes, else the query-result events.
  for (auto& [index, document] : c.documents) facts.documents.push_back(std::move(document));
  if (facts.documents.empty()) facts.documents = std::move(event_documents);
  facts.session_id = FirstText({c.session_id, c.conversation_id, c.association_session});
  facts.user_id = FirstText({c.user_id, c.association_user});

  if (span.status == OtlpStatusCode::kError) {
    facts.error = true;
    facts.error_message = span.status_message;
    if (facts.error_message.empty()) facts.error_message = exception_message;
    if (facts.error_message.empty() && c.error_type) facts.error_message = AsText(*c.error_type);
    if (facts.error_message.empty()) facts.error_message = "error";
  }
  return facts;
}

}  // namespace arbiter
