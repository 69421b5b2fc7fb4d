#include "runner/source/otlp/mapping.h"

#include <algorithm>
#include <unordered_set>

#include "runner/source/otlp/conventions.h"
#include "runner/source/otlp/json_text.h"
#include "runner/source/otlp/time.h"

namespace arbiter {
namespace {

const char* KindName(SpanKind kind) {
  switch (kind) {
    case SpanKind::kLlm:
      return "llm";
    case SpanKind::kTool:
      return "tool";
    case SpanKind::kRetriever:
      return "retriever";
    case SpanKind::kAgent:
      return "agent";
    case SpanKind::kChain:
      return "chain";
    case SpanKind::kEmbedding:
      return "embedding";
    case SpanKind::kOther:
      break;
  }
  return "other";
}

// Nanoseconds as milliseconds: an integer when whole, else a decimal.
OrderedJson Milliseconds(uint64_t nanos) {
  if (nanos % 1'000'000 == 0) return static_cast<int64_t>(nanos / 1'000'000);
  return static_cast<double>(nanos) / 1e6;
}

// Root first, then start time; ties keep arrival order.
void OrderSpans(std::vector<OtlpSpan>& spans) {
  std::stable_sort(spans.begin(), spans.end(), [](const OtlpSpan& a, const OtlpSpan& b) {
    return a.start_unix_nano < b.start_unix_nano;
  });
  auto root = std::find_if(spans.begin(), spans.end(),
                           [](const OtlpSpan& span) { return span.parent_span_id.empty(); });
  if (root == spans.end()) {
    std::unordered_set<std::string_view> ids;
    for (const OtlpSpan& span : spans) ids.insert(span.span_id);
    root = std::find_if(spans.begin(), spans.end(),
                        [&](const OtlpSpan& span) { return !ids.count(span.parent_span_id); });
    if (root == spans.end()) root = spans.begin();  // a cycle: take the earliest
  }
  std::rotate(spans.begin(), root, root + 1);
}

bool IsPrefix(const std::vector<OrderedJson>& prefix, const std::vector<OrderedJson>& of) {
  return prefix.size() <= of.size() && std::equal(prefix.begin(), prefix.end(), of.begin());
}

std::vector<OrderedJson> MergeMessages(std::vector<SpanFacts>& facts) {
  std::vector<OrderedJson> messages;
  bool first = true;
  for (SpanFacts& span : facts) {
    if (span.kind != SpanKind::kLlm) continue;
    if (span.input_messages.empty() && span.output_messages.empty()) continue;
    if (first || IsPrefix(messages, span.input_messages)) {
      size_t known = first ? 0 : messages.size();
      for (size_t i = known; i < span.input_messages.size(); ++i) {
        messages.push_back(std::move(span.input_messages[i]));
      }
    }
    first = false;
    for (OrderedJson& message : span.output_messages) messages.push_back(std::move(message));
  }
  return messages;
}

// The content of the last message with `role` that has text.
const OrderedJson* LastContent(const std::vector<OrderedJson>& messages, std::string_view role) {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    auto content = it->find("content");
    if (StringField(*it, "role") == role && content != it->end() && content->is_string()) {
      return &*content;
    }
  }
  return nullptr;
}

// Every tool call has one shape: {"name", ["id"], "arguments", "result", "error"}, null for
// what the trace does not say.
OrderedJson ToolCall(OrderedJson name, OrderedJson id, OrderedJson arguments, OrderedJson result,
                     OrderedJson error) {
  OrderedJson call = OrderedJson::object();
  call["name"] = std::move(name);
  if (!id.is_null()) call["id"] = std::move(id);
  call["arguments"] = std::move(arguments);
  call["result"] = std::move(result);
  call["error"] = std::move(error);
  return call;
}

OrderedJson ToolCallsFromMessages(const std::vector<OrderedJson>& messages) {
  OrderedJson calls = OrderedJson::array();
  // Each tool_call_id's first reply with content, by the id's JSON text: one pass, where
  // matching each call against every message took 14 s on 30,000 calls.
  std::unordered_map<std::string, const OrderedJson*> replies;
  for (const OrderedJson& reply : messages) {
    auto reply_id = reply.find("tool_call_id");
    auto content = reply.find("content");
    if (reply_id != reply.end() && content != reply.end()) {
      replies.emplace(reply_id->dump(), &*content);
    }
  }
  for (const OrderedJson& message : messages) {
    auto requested = message.find("tool_calls");
    if (requested == message.end()) continue;
    for (const OrderedJson& call : *requested) {
      OrderedJson result;
      auto id = call.find("id");
      if (id != call.end()) {
        auto reply = replies.find(id->dump());
        if (reply != replies.end()) result = *reply->second;
      }
      calls.push_back(
          ToolCall(call.value("name", OrderedJson()), id != call.end() ? *id : OrderedJson(),
                   call.value("arguments", OrderedJson()), std::move(result), OrderedJson()));
    }
  }
  return calls;
}

// Adds `value` to `sum[key]`, keeping integers integral.
void AddTokens(OrderedJson& sum, const char* key, const std::optional<OrderedJson>& value) {
  if (!value) return;
  auto it = sum.find(key);
  if (it == sum.end()) {
    sum[key] = *value;
  } else if (it->is_number_integer() && value->is_number_integer()) {
    *it = it->get<int64_t>() + value->get<int64_t>();
  } else {
    *it = it->get<double>() + value->get<double>();
  }
}

// {"count", "messages": the first kMaxSpanErrorMessages}, over the failed spans other than the
// root (the root's failure is the trace's status); null when none failed.
constexpr size_t kMaxSpanErrorMessages = 3;
OrderedJson SpanErrors(const std::vector<SpanFacts>& facts) {
  size_t count = 0;
  OrderedJson messages = OrderedJson::array();
  for (size_t i = 1; i < facts.size(); ++i) {
    if (!facts[i].error) continue;
    if (++count <= kMaxSpanErrorMessages) messages.push_back(facts[i].error_message);
  }
  if (count == 0) return nullptr;
  OrderedJson errors = OrderedJson::object();
  errors["count"] = count;
  errors["messages"] = std::move(messages);
  return errors;
}

OrderedJson OtelSummary(const std::vector<OtlpSpan>& spans, std::vector<SpanFacts>& facts) {
  OrderedJson otel = OrderedJson::object();
  otel["span_count"] = spans.size();
  if (spans[0].resource && !spans[0].resource->empty()) {
    OrderedJson& resource = otel["resource"] = OrderedJson::object();
    for (const OtlpAttribute& attribute : *spans[0].resource) {
      resource[attribute.key] = attribute.value;
    }
  }
  OrderedJson& list = otel["spans"] = OrderedJson::array();
  for (size_t i = 0; i < spans.size(); ++i) {
    const OtlpSpan& span = spans[i];
    SpanFacts& f = facts[i];
    if (i > 0 && f.kind != SpanKind::kTool) {  // only the root's and tools' input/output are fields
      if (f.input) f.unknown[f.input_key] = std::move(*f.input);
      if (f.output) f.unknown[f.output_key] = std::move(*f.output);
    }
    OrderedJson entry = OrderedJson::object();
    entry["name"] = span.name;
    entry["span_id"] = span.span_id;
    if (!span.parent_span_id.empty()) entry["parent_span_id"] = span.parent_span_id;
    entry["kind"] = KindName(facts[i].kind);
    if (span.end_unix_nano >= span.start_unix_nano) {
      entry["duration_ms"] = Milliseconds(span.end_unix_nano - span.start_unix_nano);
    }
    if (facts[i].error) entry["error"] = facts[i].error_message;
    if (!facts[i].unknown.empty()) entry["attributes"] = std::move(facts[i].unknown);
    list.push_back(std::move(entry));
  }
  return otel;
}

}  // namespace

void SetJsonPath(OrderedJson& root, std::string_view path, OrderedJson value) {
  OrderedJson* node = &root;
  for (;;) {
    if (!node->is_object()) *node = OrderedJson::object();
    size_t dot = path.find('.');
    std::string key(path.substr(0, dot));
    if (dot == std::string_view::npos) {
      (*node)[key] = std::move(value);
      return;
    }
    node = &(*node)[key];
    path.remove_prefix(dot + 1);
  }
}

OrderedJson MapOtlpTrace(std::vector<OtlpSpan>& spans, const OtlpMappingOptions& options) {
  OrderSpans(spans);
  std::vector<SpanFacts> facts;
  facts.reserve(spans.size());
  for (OtlpSpan& span : spans) facts.push_back(ExtractSpanFacts(span, options));
  const OtlpSpan& root = spans[0];
  SpanFacts& root_facts = facts[0];

  OrderedJson trace = OrderedJson::object();
  // An ordered_json object is a vector of pairs with const keys: growing it copies every value
  // (deeply), so room for all fields is made up front.
  trace.get_ref<OrderedJson::object_t&>().reserve(32);
  trace["trace_id"] = root.trace_id;
  for (const SpanFacts& span : facts) {
    if (span.session_id) {
      trace["session_id"] = *span.session_id;
      break;
    }
  }
  for (const SpanFacts& span : facts) {
    if (span.user_id) {
      trace["user_id"] = *span.user_id;
      break;
    }
  }
  if (root.start_unix_nano > 0) trace["timestamp"] = FormatRfc3339(root.start_unix_nano);

  std::vector<OrderedJson> messages = MergeMessages(facts);
  const OrderedJson* input = root_facts.input ? &*root_facts.input : LastContent(messages, "user");
  if (input) trace["input"] = *input;
  // The answer the user received: a root that failed without an output of its own gave none,
  // whatever an LLM span wrote before the failure.
  const bool root_failed = root.status == OtlpStatusCode::kError;
  const OrderedJson* output = root_facts.output ? &*root_facts.output
                              : root_failed     ? nullptr
                                                : LastContent(messages, "assistant");
  if (output) trace["output"] = *output;
  OrderedJson derived_tool_calls;
  if (!messages.empty()) {
    derived_tool_calls = ToolCallsFromMessages(messages);
    trace["messages"] = std::move(messages);
  }

  OrderedJson documents = OrderedJson::array();
  OrderedJson tool_calls = OrderedJson::array();
  for (size_t i = 0; i < spans.size(); ++i) {
    for (OrderedJson& document : facts[i].documents) documents.push_back(std::move(document));
    if (facts[i].kind != SpanKind::kTool) continue;
    SpanFacts& f = facts[i];
    tool_calls.push_back(
        ToolCall(f.tool_name, f.tool_call_id.empty() ? OrderedJson() : OrderedJson(f.tool_call_id),
                 f.tool_arguments ? std::move(*f.tool_arguments) : OrderedJson(),
                 f.tool_result ? std::move(*f.tool_result) : OrderedJson(),
                 f.error ? OrderedJson(f.error_message) : OrderedJson()));
  }
  if (tool_calls.empty() && derived_tool_calls.is_array())
    tool_calls = std::move(derived_tool_calls);
  if (!documents.empty()) trace["retrieved_documents"] = std::move(documents);
  if (!tool_calls.empty()) trace["tool_calls"] = std::move(tool_calls);

  const SpanFacts* model = nullptr;
  for (const SpanFacts& span : facts) {
    if (!span.model.empty() &&
        (!model || (span.kind == SpanKind::kLlm && model->kind != SpanKind::kLlm))) {
      model = &span;
    }
  }
  if (model) trace["model"] = model->model;
  for (const SpanFacts& span : facts) {
    if (span.prompt_version) {
      trace["prompt_version"] = *span.prompt_version;
      break;
    }
  }
  OrderedJson usage = OrderedJson::object();
  for (const SpanFacts& span : facts) {
    if (span.kind != SpanKind::kLlm) continue;
    AddTokens(usage, "input_tokens", span.input_tokens);
    AddTokens(usage, "output_tokens", span.output_tokens);
    AddTokens(usage, "total_tokens", span.total_tokens);
  }
  if (usage.empty()) {
    AddTokens(usage, "input_tokens", root_facts.input_tokens);
    AddTokens(usage, "output_tokens", root_facts.output_tokens);
    AddTokens(usage, "total_tokens", root_facts.total_tokens);
  }
  if (!usage.empty()) trace["usage"] = std::move(usage);

  if (root.end_unix_nano >= root.start_unix_nano && root.end_unix_nano > 0) {
    trace["latency_ms"] = Milliseconds(root.end_unix_nano - root.start_unix_nano);
  }
  // The outcome the user saw is the root's; the children's errors the agent recovered from (a
  // retried 429, a failed tool call) are kept beside it.
  trace["status"] = root_failed ? "error" : "ok";
  OrderedJson span_errors = SpanErrors(facts);
  if (!span_errors.is_null()) trace["span_errors"] = std::move(span_errors);

  OrderedJson metadata = OrderedJson::object();
  if (root.resource) {
    if (const OrderedJson* service = FindAttribute(*root.resource, "service.name")) {
      metadata["service"] = *service;
    }
  }
  for (const SpanFacts& span : facts) {
    if (!span.provider.empty()) {
      metadata["provider"] = span.provider;
      break;
    }
  }
  for (SpanFacts& span : facts) {
    for (auto it = span.metadata.begin(); it != span.metadata.end(); ++it) {
      metadata[it.key()] = std::move(it.value());
    }
    for (auto& [path, value] : span.metadata_paths) SetJsonPath(metadata, path, std::move(value));
  }
  if (!metadata.empty()) trace["metadata"] = std::move(metadata);
  trace["otel"] = OtelSummary(spans, facts);

  for (SpanFacts& span : facts) {
    for (auto& [path, value] : span.overrides) SetJsonPath(trace, path, std::move(value));
  }
  return trace;
}

std::string MapOtlpTraceJson(std::vector<OtlpSpan>& spans, const OtlpMappingOptions& options) {
  std::string out;
  out.reserve(4096);
  AppendJson(out, MapOtlpTrace(spans, options));
  return out;
}

Result<std::string> TryMapOtlpTraceJson(std::vector<OtlpSpan>& spans,
                                        const OtlpMappingOptions& options) {
  std::string trace_id = spans.front().trace_id;
  try {
    return MapOtlpTraceJson(spans, options);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("cannot map trace " + trace_id + ": " + e.what());
  }
}

}  // namespace arbiter
