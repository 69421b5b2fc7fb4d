#include "runner/source/otlp/from_trace.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "runner/base/sha256.h"
#include "runner/source/otlp/any_value.h"
#include "runner/source/otlp/mapping.h"
#include "runner/source/otlp/time.h"
#include "runner/source/otlp/writer.h"

namespace arbiter {
namespace {

constexpr uint64_t kDefaultStart = 1767225600ULL * 1'000'000'000ULL;  // 2026-01-01T00:00:00Z

std::string Dump(const OrderedJson& value) {
  return value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

bool IsPlainKey(std::string_view key) {
  return !key.empty() && key.find('.') == std::string_view::npos;
}

void Set(OtlpSpan& span, std::string key, OrderedJson value) {
  span.attributes.push_back(OtlpAttribute{std::move(key), std::move(value)});
}

bool OnlyKeys(const OrderedJson& object, std::initializer_list<std::string_view> allowed) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) return false;
  }
  return true;
}

bool IsStringIfPresent(const OrderedJson& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_string();
}

bool MessageFits(const OrderedJson& message) {
  if (!message.is_object() ||
      !OnlyKeys(message, {"role", "content", "name", "tool_call_id", "tool_calls"})) {
    return false;
  }
  if (!message.contains("role") || !IsStringIfPresent(message, "role") ||
      !IsStringIfPresent(message, "content") || !IsStringIfPresent(message, "name") ||
      !IsStringIfPresent(message, "tool_call_id")) {
    return false;
  }
  auto calls = message.find("tool_calls");
  if (calls == message.end()) return true;
  if (!calls->is_array() || calls->empty()) return false;
  for (const OrderedJson& call : *calls) {
    if (!call.is_object() || !OnlyKeys(call, {"id", "name", "arguments"}) ||
        !call.contains("name") || !IsStringIfPresent(call, "name") ||
        !IsStringIfPresent(call, "id")) {
      return false;
    }
  }
  return true;
}

void AddMessage(OtlpSpan& span, const std::string& prefix, const OrderedJson& message) {
  for (const char* field : {"role", "content", "name", "tool_call_id"}) {
    auto it = message.find(field);
    if (it != message.end()) Set(span, prefix + "message." + field, *it);
  }
  auto calls = message.find("tool_calls");
  if (calls == message.end()) return;
  for (size_t m = 0; m < calls->size(); ++m) {
    const OrderedJson& call = (*calls)[m];
    std::string call_prefix = prefix + "message.tool_calls." + std::to_string(m) + ".tool_call.";
    if (call.contains("id")) Set(span, call_prefix + "id", call["id"]);
    Set(span, call_prefix + "function.name", call["name"]);
    if (call.contains("arguments")) {
      const OrderedJson& arguments = call["arguments"];
      Set(span, call_prefix + "function.arguments",
          arguments.is_string() ? arguments : OrderedJson(Dump(arguments)));
    }
  }
}

bool DocumentFits(const OrderedJson& document) {
  if (!document.is_object()) return false;
  for (auto it = document.begin(); it != document.end(); ++it) {
    if (!IsPlainKey(it.key())) return false;  // other fields become document.<field>
  }
  auto id = document.find("id");
  auto score = document.find("score");
  auto metadata = document.find("metadata");
  return (id == document.end() || id->is_string() || id->is_number_integer()) &&
         IsStringIfPresent(document, "content") &&
         (score == document.end() || score->is_number()) &&
         (metadata == document.end() || metadata->is_object());
}

bool ToolCallFits(const OrderedJson& call) {
  if (!call.is_object() || !OnlyKeys(call, {"name", "id", "arguments", "result", "error"})) {
    return false;
  }
  auto error = call.find("error");
  // A missing result, arguments or error comes back as null; carried whole if that differs.
  return call.contains("name") && IsStringIfPresent(call, "name") &&
         IsStringIfPresent(call, "id") &&
         (error == call.end() || error->is_null() || error->is_string());
}

// A value as text and, when it is not a string, its JSON with the mime type that says so.
void SetValue(OtlpSpan& span, const std::string& prefix, const OrderedJson& value) {
  if (value.is_string()) {
    Set(span, prefix + ".value", value);
  } else {
    Set(span, prefix + ".value", Dump(value));
    Set(span, prefix + ".mime_type", "application/json");
  }
}

OtlpSpan Child(const OtlpSpan& root, std::string name, const char* kind, uint64_t number) {
  OtlpSpan span;
  span.trace_id = root.trace_id;
  char id[32];
  std::snprintf(id, sizeof(id), "%.12s%04llx", root.trace_id.c_str(),
                static_cast<unsigned long long>(number + 1));
  span.span_id = id;
  span.parent_span_id = root.span_id;
  span.name = std::move(name);
  span.start_unix_nano = root.start_unix_nano + number;
  span.end_unix_nano = std::max(span.start_unix_nano, root.end_unix_nano);
  Set(span, "openinference.span.kind", kind);
  return span;
}

nlohmann::json Plain(const OrderedJson& value) { return nlohmann::json::parse(Dump(value)); }

// Builds the spans by convention (see the header); `trace` is an object.
std::vector<OtlpSpan> Convert(const OrderedJson& trace, uint64_t index) {
  OtlpSpan root;
  const OrderedJson empty;
  auto field = [&](const char* key) -> const OrderedJson& {
    auto it = trace.find(key);
    return it == trace.end() ? empty : *it;
  };
  const OrderedJson& trace_id = field("trace_id");
  std::string hex;
  if (trace_id.is_string() && ParseOtlpId(trace_id.get<std::string>(), 16, hex) &&
      hex == trace_id.get<std::string>() && !IsZeroId(hex)) {
    root.trace_id = hex;
  } else {
    root.trace_id = Sha256Hex("arbiter-trace:" + Dump(trace_id)).substr(0, 32);
    Set(root, "arbiter.trace_id", trace_id);
  }
  root.span_id = root.trace_id.substr(0, 12) + "0000";
  root.name = "agent";
  const OrderedJson& timestamp = field("timestamp");
  if (!timestamp.is_string() || !ParseRfc3339(timestamp.get<std::string>(), root.start_unix_nano)) {
    root.start_unix_nano = kDefaultStart + index * 1'000'000'000ULL;
  }
  root.end_unix_nano = root.start_unix_nano;
  const OrderedJson& latency = field("latency_ms");
  if (latency.is_number() && latency.get<double>() >= 0) {
    root.end_unix_nano += static_cast<uint64_t>(std::llround(latency.get<double>() * 1e6));
  }
  const OrderedJson& status = field("status");
  if (status == "ok") root.status = OtlpStatusCode::kOk;
  if (status == "error") root.status = OtlpStatusCode::kError;
  Set(root, "openinference.span.kind", "AGENT");
  for (const char* key : {"input", "output"}) {
    if (field(key).is_string()) Set(root, std::string(key) + ".value", field(key));
  }
  if (field("session_id").is_string()) Set(root, "session.id", field("session_id"));
  if (field("user_id").is_string()) Set(root, "user.id", field("user_id"));
  if (field("metadata").is_object()) Set(root, "metadata", Dump(field("metadata")));
  const OrderedJson& feedback = field("feedback");
  if (feedback.is_object()) {
    for (auto it = feedback.begin(); it != feedback.end(); ++it) {
      if (IsPlainKey(it.key())) Set(root, "arbiter.feedback." + it.key(), it.value());
    }
  }
  static constexpr std::string_view kKnown[] = {
      "trace_id",   "session_id", "user_id",        "timestamp",
      "input",      "output",     "messages",       "retrieved_documents",
      "tool_calls", "model",      "prompt_version", "usage",
      "latency_ms", "status",     "feedback",       "metadata",
      "span_errors"};
  for (auto it = trace.begin(); it != trace.end(); ++it) {
    if (std::find(std::begin(kKnown), std::end(kKnown), it.key()) == std::end(kKnown) &&
        IsPlainKey(it.key())) {
      Set(root, "arbiter." + it.key(), it.value());
    }
  }

  std::vector<OtlpSpan> spans;
  spans.push_back(std::move(root));
  uint64_t number = 0;

  const OrderedJson& documents = field("retrieved_documents");
  if (documents.is_array() && !documents.empty() &&
      std::all_of(documents.begin(), documents.end(), DocumentFits)) {
    OtlpSpan span = Child(spans[0], "retrieve", "RETRIEVER", number++);
    for (size_t i = 0; i < documents.size(); ++i) {
      std::string prefix = "retrieval.documents." + std::to_string(i) + ".document.";
      for (auto it = documents[i].begin(); it != documents[i].end(); ++it) {
        Set(span, prefix + it.key(), it.key() == "metadata" ? OrderedJson(Dump(*it)) : *it);
      }
    }
    spans.push_back(std::move(span));
  }

  const OrderedJson& messages = field("messages");
  const OrderedJson& model = field("model");
  const OrderedJson& prompt_version = field("prompt_version");
  const OrderedJson& usage = field("usage");
  OtlpSpan llm = Child(spans[0], "llm", "LLM", number);
  if (messages.is_array() && std::all_of(messages.begin(), messages.end(), MessageFits)) {
    size_t inputs = messages.size();
    if (inputs > 0 && messages.back()["role"] == "assistant") --inputs;
    for (size_t i = 0; i < messages.size(); ++i) {
      std::string prefix = i < inputs ? "llm.input_messages." + std::to_string(i) + "."
                                      : "llm.output_messages." + std::to_string(i - inputs) + ".";
      AddMessage(llm, prefix, messages[i]);
    }
  }
  if (model.is_string()) Set(llm, "llm.model_name", model);
  if (prompt_version.is_string()) Set(llm, "llm.prompt_template.version", prompt_version);
  if (usage.is_object()) {
    static constexpr std::pair<const char*, const char*> kTokens[] = {
        {"input_tokens", "llm.token_count.prompt"},
        {"output_tokens", "llm.token_count.completion"},
        {"total_tokens", "llm.token_count.total"}};
    for (auto it = usage.begin(); it != usage.end(); ++it) {
      auto token = std::find_if(std::begin(kTokens), std::end(kTokens),
                                [&](const auto& pair) { return it.key() == pair.first; });
      if (token != std::end(kTokens) && it->is_number_integer()) {
        Set(llm, token->second, *it);
      } else if (IsPlainKey(it.key())) {
        Set(spans[0], "arbiter.usage." + it.key(), *it);
      }
    }
  }
  if (llm.attributes.size() > 1) {
    ++number;
    spans.push_back(std::move(llm));
  }

  const OrderedJson& tool_calls = field("tool_calls");
  if (tool_calls.is_array() && std::all_of(tool_calls.begin(), tool_calls.end(), ToolCallFits)) {
    for (const OrderedJson& call : tool_calls) {
      OtlpSpan span = Child(spans[0], call["name"].get<std::string>(), "TOOL", number++);
      Set(span, "tool.name", call["name"]);
      if (call.contains("id")) Set(span, "gen_ai.tool.call.id", call["id"]);
      if (call.contains("arguments") && !call["arguments"].is_null()) {
        const OrderedJson& arguments = call["arguments"];
        Set(span, "input.value", arguments.is_string() ? arguments : OrderedJson(Dump(arguments)));
        if (!arguments.is_string()) Set(span, "input.mime_type", "application/json");
      }
      if (call.contains("result") && !call["result"].is_null()) {
        SetValue(span, "output", call["result"]);
      }
      if (call.contains("error") && call["error"].is_string()) {
        span.status = OtlpStatusCode::kError;
        span.status_message = call["error"].get<std::string>();
        span.events.push_back(OtlpEvent{
            "exception", span.end_unix_nano, {OtlpAttribute{"exception.message", call["error"]}}});
      }
      spans.push_back(std::move(span));
    }
  }
  return spans;
}

}  // namespace

SpansFromTraceResult SpansFromTrace(const OrderedJson& trace, uint64_t index) {
  SpansFromTraceResult result;
  result.spans = Convert(trace, index);
  // Read back what the conventions carry; carry the rest whole.
  std::vector<OtlpSpan> copy = result.spans;
  nlohmann::json mapped = Plain(MapOtlpTrace(copy));
  for (auto it = trace.begin(); it != trace.end(); ++it) {
    auto back = mapped.find(it.key());
    if (back != mapped.end() && *back == Plain(it.value())) continue;
    if (!IsPlainKey(it.key())) {
      result.lost.push_back(it.key());
      continue;
    }
    result.carried.push_back(it.key());
    Set(result.spans[0], "arbiter." + it.key(), it.value());
  }
  return result;
}

std::vector<std::string> OtlpLinesForGroup(const std::vector<std::vector<OtlpSpan>>& group,
                                           bool spread) {
  std::vector<std::string> lines;
  constexpr std::string_view kScope = "arbiter-to-otlp";
  if (!spread) {
    for (const std::vector<OtlpSpan>& spans : group) {
      std::vector<const OtlpSpan*> order;
      for (size_t i = 1; i < spans.size(); ++i) order.push_back(&spans[i]);
      if (!spans.empty()) order.push_back(&spans[0]);
      lines.push_back(OtlpRequestJson(order, kScope));
    }
    return lines;
  }
  size_t rounds = 0;
  for (const std::vector<OtlpSpan>& spans : group) rounds = std::max(rounds, spans.size());
  for (size_t k = 0; k < rounds; ++k) {
    std::vector<const OtlpSpan*> batch;
    for (const std::vector<OtlpSpan>& spans : group) {
      if (k >= spans.size()) continue;
      // Children first, the root (index 0) last.
      batch.push_back(k + 1 < spans.size() ? &spans[k + 1] : &spans[0]);
    }
    lines.push_back(OtlpRequestJson(batch, kScope));
  }
  return lines;
}

}  // namespace arbiter
