// The `tool_calls` plugin (SPEC "Plugin params"): checks on the tools an agent called.
//
//   plugin: tool_calls
//   target: tool_calls              # default `tool_calls`: the array of calls to judge
//   params: { intent_path: metadata.intent, expected: {refund: [issue_refund]}, no_repeats: true }
//
// Checks, at least one configured (else a configuration error), run in this order:
//   expected    {intent: tool or [tools]}: when the trace's intent (the value at `intent_path`,
//               default metadata.intent; strings as they are, numbers as their JSON text) has
//               an entry, at least one call must be to one of its tools. An intent that is
//               missing, null or without an entry passes this check.
//   exclusive   (default false; needs `expected`): every call must be to one of the intent's
//               tools (again only when the intent has an entry).
//   no_repeats  (default false): no two calls with the same name and the same arguments.
//               Arguments are compared as JSON values: an object, or a string holding JSON as
//               OpenAI sends it (a string that is not JSON is compared as that string); object
//               keys in any order, 1 equals 1.0. Calls without `arguments` have equal (empty)
//               arguments.
//   max_calls   (a non-negative integer): at most this many calls.
// Calls are the array at the target: absent or null means no calls; any other non-array value,
// or a call without a string `name`, is an error row naming the index.
// Score 1.0 when every configured check holds, else 0.0. The reason names the first failing
// check ("intent 'refund' expects issue_refund; called lookup_order", "intent 'refund' allows
// only issue_refund; tool_calls[1] is lookup_order", "tool_calls[2] repeats tool_calls[0]:
// search with the same arguments", "4 tool calls > max 3"), or on a pass what each check saw,
// joined by "; " ("intent 'refund': called issue_refund; no repeated calls; 2 tool calls, max 3").
#pragma once

#include "runner/plugin_api/evaluator.h"

namespace arbiter {

PluginInfo ToolCallsPlugin();

}  // namespace arbiter
