#include "runner/source/otlp/messages.h"

#include <charconv>

#include "runner/source/otlp/conventions.h"

namespace arbiter {
namespace {

// "12.message.role" -> 12 and "message.role".
bool SplitIndex(std::string_view key, long& index, std::string_view& tail) {
  size_t dot = key.find('.');
  if (dot == 0 || dot == std::string_view::npos) return false;
  auto [ptr, ec] = std::from_chars(key.data(), key.data() + dot, index);
  if (ec != std::errc() || ptr != key.data() + dot || index < 0) return false;
  tail = key.substr(dot + 1);
  return true;
}

bool StripPrefix(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// Tool-call arguments travel as JSON text; a value that is not JSON stays the text it is.
OrderedJson Arguments(const OrderedJson& value) {
  if (value.is_string()) {
    if (auto parsed = ParseJsonText(value.get_ref<const std::string&>())) return *parsed;
  }
  return value;
}

void AppendText(std::string& joined, std::string_view text, bool& any) {
  if (any) joined += "\n";
  joined.append(text);
  any = true;
}

// Message content as text: a string as is; a list of parts ({"type": "text", "text"} as OpenAI
// sends, {"type": "text", "content"} as GenAI parts) joined; anything else as its JSON.
OrderedJson ContentText(const OrderedJson& content) {
  if (content.is_string() || content.is_null()) return content;
  if (content.is_array()) {
    std::string joined;
    bool any = false;
    for (const OrderedJson& part : content) {
      if (part.is_string()) {
        AppendText(joined, part.get_ref<const std::string&>(), any);
      } else if (part.is_object()) {
        for (const char* field : {"text", "content"}) {
          auto it = part.find(field);
          if (it != part.end() && it->is_string()) {
            AppendText(joined, it->get_ref<const std::string&>(), any);
            break;
          }
        }
      }
    }
    if (any) return joined;
  }
  return content.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

OrderedJson MakeToolCall(const OrderedJson& id, const OrderedJson& name,
                         const OrderedJson& arguments) {
  OrderedJson call = OrderedJson::object();
  if (!id.is_null()) call["id"] = id;
  call["name"] = name;
  if (!arguments.is_null()) call["arguments"] = Arguments(arguments);
  return call;
}

// One message of the GenAI parts form. REQUIRES: item["parts"] is an array.
OrderedJson MessageFromParts(const OrderedJson& item) {
  OrderedJson message = OrderedJson::object();
  auto role = item.find("role");
  message["role"] = role != item.end() ? *role : OrderedJson("user");
  std::string text;
  bool any = false;
  OrderedJson tool_calls = OrderedJson::array();
  OrderedJson tool_call_id;
  for (const OrderedJson& part : *item.find("parts")) {
    if (!part.is_object()) continue;
    std::string_view type = StringField(part, "type");
    if (type == "text") {
      OrderedJson content = ContentText(part.value("content", OrderedJson()));
      if (content.is_string()) AppendText(text, content.get_ref<const std::string&>(), any);
    } else if (type == "tool_call") {
      tool_calls.push_back(MakeToolCall(part.value("id", OrderedJson()),
                                        part.value("name", OrderedJson()),
                                        part.value("arguments", OrderedJson())));
    } else if (type == "tool_call_response") {
      tool_call_id = part.value("id", OrderedJson());
      OrderedJson response = part.value("response", part.value("result", OrderedJson()));
      OrderedJson content = ContentText(response);
      if (content.is_string()) AppendText(text, content.get_ref<const std::string&>(), any);
    }
  }
  if (any) message["content"] = text;
  if (!tool_call_id.is_null()) message["tool_call_id"] = tool_call_id;
  if (!tool_calls.empty()) message["tool_calls"] = std::move(tool_calls);
  return message;
}

}  // namespace

bool FlatMessages::Add(std::string_view rest, const OrderedJson& value) {
  long index = 0;
  std::string_view field;
  if (!SplitIndex(rest, index, field)) return false;
  StripPrefix(field, "message.");
  Message& message = messages_[index];
  if (field == "role") {
    message.role = value;
  } else if (field == "content") {
    message.content = value;
  } else if (field == "name") {
    message.name = value;
  } else if (field == "tool_call_id") {
    message.tool_call_id = value;
  } else if (field == "finish_reason") {
    // consumed: not part of our message form
  } else if (StripPrefix(field, "contents.")) {
    long part = 0;
    std::string_view part_field;
    if (!SplitIndex(field, part, part_field)) return false;
    StripPrefix(part_field, "message_content.");
    if (part_field == "text" && value.is_string()) {
      message.contents[part] = value.get<std::string>();
    } else if (part_field != "type") {
      return false;  // images and audio stay unknown
    }
  } else if (StripPrefix(field, "tool_calls.")) {
    long call = 0;
    std::string_view call_field;
    if (!SplitIndex(field, call, call_field)) return false;
    StripPrefix(call_field, "tool_call.");
    ToolCall& tool_call = message.tool_calls[call];
    if (call_field == "id") {
      tool_call.id = value;
    } else if (call_field == "function.name" || call_field == "name") {
      tool_call.name = value;
    } else if (call_field == "function.arguments" || call_field == "arguments") {
      tool_call.arguments = value;
    } else if (call_field != "type") {
      return false;
    }
  } else {
    return false;
  }
  return true;
}

std::vector<OrderedJson> FlatMessages::Build() const {
  std::vector<OrderedJson> out;
  out.reserve(messages_.size());
  for (const auto& [index, message] : messages_) {
    OrderedJson built = OrderedJson::object();
    if (!message.role.is_null()) built["role"] = message.role;
    if (!message.content.is_null()) {
      built["content"] = message.content;
    } else if (!message.contents.empty()) {
      std::string joined;
      bool any = false;
      for (const auto& [part, text] : message.contents) AppendText(joined, text, any);
      built["content"] = joined;
    }
    if (!message.name.is_null()) built["name"] = message.name;
    if (!message.tool_call_id.is_null()) built["tool_call_id"] = message.tool_call_id;
    if (!message.tool_calls.empty()) {
      OrderedJson calls = OrderedJson::array();
      for (const auto& [call, tool_call] : message.tool_calls) {
        calls.push_back(MakeToolCall(tool_call.id, tool_call.name, tool_call.arguments));
      }
      built["tool_calls"] = std::move(calls);
    }
    out.push_back(std::move(built));
  }
  return out;
}

OrderedJson NormalizeMessage(const OrderedJson& message, std::string_view default_role) {
  OrderedJson out = OrderedJson::object();
  auto role = message.find("role");
  out["role"] =
      role != message.end() && role->is_string() ? *role : OrderedJson(std::string(default_role));
  auto content = message.find("content");
  if (content != message.end() && !content->is_null()) out["content"] = ContentText(*content);
  for (const char* field : {"name", "tool_call_id"}) {
    auto it = message.find(field);
    if (it != message.end() && !it->is_null()) out[field] = *it;
  }
  auto calls = message.find("tool_calls");
  if (calls != message.end() && calls->is_array() && !calls->empty()) {
    OrderedJson tool_calls = OrderedJson::array();
    for (const OrderedJson& call : *calls) {
      if (!call.is_object()) continue;
      const OrderedJson& function = call.contains("function") ? call["function"] : call;
      if (!function.is_object()) continue;
      tool_calls.push_back(MakeToolCall(call.value("id", OrderedJson()),
                                        function.value("name", OrderedJson()),
                                        function.value("arguments", OrderedJson())));
    }
    out["tool_calls"] = std::move(tool_calls);
  }
  return out;
}

bool AppendGenAiMessages(const OrderedJson& value, bool system_instructions,
                         std::vector<OrderedJson>& out) {
  OrderedJson parsed;
  const OrderedJson* list = &value;
  if (value.is_string()) {
    auto json = ParseJsonText(value.get_ref<const std::string&>());
    if (!json) {
      if (!system_instructions) return false;
      out.push_back(OrderedJson{{"role", "system"}, {"content", value}});  // plain text
      return true;
    }
    parsed = std::move(*json);
    list = &parsed;
  }
  if (!list->is_array()) return false;
  if (system_instructions) {
    OrderedJson content = ContentText(*list);
    out.push_back(OrderedJson{{"role", "system"}, {"content", content}});
    return true;
  }
  std::vector<OrderedJson> messages;
  messages.reserve(list->size());
  for (const OrderedJson& item : *list) {
    if (!item.is_object()) return false;
    auto parts = item.find("parts");
    messages.push_back(parts != item.end() && parts->is_array() ? MessageFromParts(item)
                                                                : NormalizeMessage(item, "user"));
  }
  for (OrderedJson& message : messages) out.push_back(std::move(message));
  return true;
}

bool MessageFromEvent(const OtlpEvent& event, OrderedJson& message, bool& is_output) {
  std::string_view name = event.name;
  std::string_view role;
  is_output = false;
  if (name == "gen_ai.system.message") {
    role = "system";
  } else if (name == "gen_ai.user.message") {
    role = "user";
  } else if (name == "gen_ai.assistant.message") {
    role = "assistant";
  } else if (name == "gen_ai.tool.message") {
    role = "tool";
  } else if (name == "gen_ai.choice") {
    role = "assistant";
    is_output = true;
  } else {
    return false;
  }
  // The event body: a JSON body attribute, else the attributes themselves.
  OrderedJson body = OrderedJson::object();
  const OrderedJson* json_body = FindAttribute(event.attributes, "gen_ai.event.content");
  std::optional<OrderedJson> parsed;
  if (json_body && json_body->is_string()) parsed = ParseJsonText(json_body->get<std::string>());
  if (parsed && parsed->is_object()) {
    body = std::move(*parsed);
  } else {
    for (const OtlpAttribute& attribute : event.attributes) body[attribute.key] = attribute.value;
  }
  if (is_output && body.contains("message")) {
    OrderedJson inner = body["message"];
    if (inner.is_string()) {
      if (auto json = ParseJsonText(inner.get<std::string>()); json && json->is_object()) {
        inner = std::move(*json);
      }
    }
    if (inner.is_object()) body = std::move(inner);
  }
  if (body.contains("tool_calls") && body["tool_calls"].is_string()) {
    if (auto json = ParseJsonText(body["tool_calls"].get<std::string>())) {
      body["tool_calls"] = std::move(*json);
    }
  }
  message = NormalizeMessage(body, role);
  if (role == "tool" && !message.contains("tool_call_id") && body.contains("id")) {
    message["tool_call_id"] = body["id"];
  }
  return true;
}

}  // namespace arbiter
