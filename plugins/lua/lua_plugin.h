// The `lua` plugin (SPEC "Evaluator declaration"): a Lua 5.4 script judges the trace.
//
//   plugin: lua
//   params: { script: citation_grounded.lua }      # or inline:  source: |
//                                                  #               function evaluate(trace) ... end
//
// Params: exactly one of `script` (a file, relative to the YAML file) or `source` (the script
// text); `max_instructions` (default 1,000,000 VM instructions per call, at most 2^31-1);
// `max_memory_mb` (default 64 MB per Lua state, at most 65536).
//
// The script defines a global `function evaluate(trace)`. `trace` is a read-only view of the
// trace (fields of the trace format; arrays 1-based; JSON null is nil; see trace_proxy.h).
// evaluate returns a number (the score), a boolean (true is 1, false is 0) or a table
// {score = s, reason = "..."} (score a number or boolean, reason an optional string). Score is
// the number, reason the table's reason or "". Anything else is an error row naming what came
// back ("evaluate returned a string; expected a number, a boolean or {score=..., reason=...}");
// so is a NaN or infinite score. error("msg") is an error row with Lua's message
// ("check.lua:4: msg"; an inline source is named "source"); a non-string error object is shown
// through its __tostring, else as "(error object is a table value)". The host checks [0, 1].
//
// Loading: the script is compiled once, as text only (precompiled bytecode is refused), and its
// top level run in a sandbox (lua_sandbox.h) with the limits below. A script that does not
// compile, fails at top level or defines no function `evaluate` is a configuration error at the
// `script`/`source` param's file:line:column, with Lua's message (which names the script line).
// After the top level, globals and library tables are frozen: evaluate must be a function of
// the trace. Tables the script builds itself stay writable; keep them constant, or scores may
// depend on which worker saw which traces first. pairs over the script's own tables visits
// keys in an order that can differ between states; sort keys when the order shows in a reason.
//
// Limits, per call: `max_instructions` VM instructions ("instruction budget of N exceeded at
// check.lua:3"; pcall cannot catch its way past it) and `max_memory_mb` per state ("memory limit
// of N MB exceeded"). Both end an endless loop or a memory bomb within milliseconds, and the
// state stays usable for the next trace (it is rebuilt when it still holds most of its
// allowance). Known gap: a single C function call counts as one instruction, so a pathological
// pattern in string.find/match/gsub can run long without being interrupted.
//
// Threads: PrepareWorkers(n) makes one Lua state per worker; Evaluate uses ctx.worker's state
// without locks. Before PrepareWorkers there is one state (worker 0). A worker index outside
// [0, n) is an error row.
#pragma once

#include "runner/plugin_api/evaluator.h"

namespace arbiter {

PluginInfo LuaPlugin();

}  // namespace arbiter
