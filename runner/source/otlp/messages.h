// The forms chat messages take in span attributes and events, each turned into our message form:
// {"role", "content", ["name"], ["tool_call_id"], ["tool_calls": [{["id"], "name", "arguments"}]]}
// where content is text (several text parts joined with "\n"; absent when a message has only
// tool calls) and tool-call arguments are parsed from JSON text when they are JSON.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runner/source/otlp/span.h"

namespace arbiter {

// Flattened messages, one attribute per field: OpenInference's
// `llm.input_messages.N.message.{role,content,name,tool_call_id}`,
// `...message.contents.K.message_content.text`, `...message.tool_calls.M.tool_call.{id,
// function.name,function.arguments}`, and OpenLLMetry's `gen_ai.prompt.N.{role,content,...}`,
// `gen_ai.completion.N.tool_calls.M.{id,name,arguments}`.
class FlatMessages {
 public:
  // `rest` is the key after the prefix ("0.message.role"). False when it is no known field, so
  // the attribute stays unknown.
  bool Add(std::string_view rest, const OrderedJson& value);
  bool empty() const { return messages_.empty(); }
  // In index order.
  std::vector<OrderedJson> Build() const;

 private:
  struct ToolCall {
    OrderedJson id, name, arguments;
  };
  struct Message {
    OrderedJson role, content, name, tool_call_id;
    std::map<long, std::string> contents;  // text parts by index
    std::map<long, ToolCall> tool_calls;
  };
  std::map<long, Message> messages_;
};

// The GenAI message attributes of semantic conventions after v1.36: gen_ai.input.messages and
// gen_ai.output.messages ([{"role", "parts": [{"type": "text", "content"}, {"type": "tool_call",
// "id", "name", "arguments"}, {"type": "tool_call_response", "id", "response"}]}]) and
// gen_ai.system_instructions ([{"type": "text", "content"}], one system message). `value` is the
// structured value or its JSON text. Also reads OpenAI-style lists ([{"role", "content"}]) as
// older gen_ai.prompt / gen_ai.completion attributes carry. False when `value` is neither.
bool AppendGenAiMessages(const OrderedJson& value, bool system_instructions,
                         std::vector<OrderedJson>& out);

// A message from the span events of GenAI conventions up to v1.36: gen_ai.system.message,
// gen_ai.user.message, gen_ai.assistant.message, gen_ai.tool.message (input) and gen_ai.choice
// (output), whose body arrives as event attributes (`content`, `role`, `id`, `tool_calls`,
// `message`) or as a JSON body in `gen_ai.event.content`. False when the event is none of these.
bool MessageFromEvent(const OtlpEvent& event, OrderedJson& message, bool& is_output);

// An OpenAI-style message object ({"role", "content", "tool_calls": [{"id", "function":
// {"name", "arguments"}}], "tool_call_id", "name"}) in our form.
OrderedJson NormalizeMessage(const OrderedJson& message, std::string_view default_role);

}  // namespace arbiter
