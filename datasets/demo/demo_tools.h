// The support agent's tools: their arguments (valid against evaluators/schemas/<tool>.json), their
// results, and the two ways a call goes wrong (bad arguments, a transient failure).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/demo/demo_rng.h"
#include "datasets/demo/demo_template.h"

namespace arbiter::demo {

struct ToolArg {
  std::string_view key;
  std::string json;             // the value as JSON text
  bool required = false;        // listed in the schema's `required`
  std::string wrong_json;       // the same value with a JSON type the schema rejects
  std::string_view wrong_type;  // that type's name, for the tool's error message
  std::string_view type;        // the schema's type name
};

struct ToolCall {
  std::string name;
  std::vector<ToolArg> args;
  std::string result;  // the tool's answer (JSON text, written as a string); empty on error
  std::string error;   // empty when the call succeeded
};

// What a call's arguments and result are made of, beyond the trace's Vars.
struct ToolContext {
  const Vars* vars = nullptr;
  std::string_view query;                 // the user's request, for knowledge-base searches
  std::string_view email;                 // the user's address, for email changes
  std::vector<std::string_view> doc_ids;  // KB-style ids a search returns
  int64_t amount_cents = 0;
  bool minor_units = true;
};

// Every tool the agent has; each has a schema in evaluators/schemas/.
std::span<const std::string_view> ToolNames();

// A successful call of `tool` with valid arguments. REQUIRES: `tool` is in ToolNames().
ToolCall MakeToolCall(std::string_view tool, const ToolContext& context, DemoRng& rng);

// Injects an argument error: drops a required argument or gives one the wrong type (evenly, when
// both are possible). The tool then rejects the call: `error` says why and `result` is empty.
void BreakArguments(ToolCall& call, DemoRng& rng);

// A transient failure (timeout, 5xx, rate limit): `error` set, `result` empty.
void FailCall(ToolCall& call, DemoRng& rng);

}  // namespace arbiter::demo
