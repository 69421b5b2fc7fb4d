// The environment a `lua` evaluator's script runs in: a fresh table holding only
//   assert error ipairs next pairs pcall select tonumber tostring type xpcall rawequal rawget
//   rawlen getmetatable setmetatable
//   string (without dump)  table  math (without random, randomseed)  utf8  os {time, clock}
// Nothing reaches files, processes, the environment, other chunks (load, require, dofile),
// bytecode (string.dump), the registry (debug) or the collector (collectgarbage). The string
// metatable is replaced by a locked one whose __index is the sandbox's `string`, so
// getmetatable("") gives false, not the real string library.
//
// setmetatable refuses metatables with __gc or __mode: finalizers and weak tables would make a
// score depend on when the collector runs, which differs between workers. xpcall calls its
// message handler after the failed call has unwound (Lua would run it inside the instruction
// hook, where hooks are off, so a looping handler could not be stopped).
//
// Once the script's top level has run, FreezeSandbox makes the globals and the library tables
// read-only, so evaluate is a function of the trace alone. Reads, pairs and # still work.
#pragma once

struct lua_State;

namespace arbiter {

// Opens the libraries the sandbox draws from and pushes a fresh environment table.
// Allocates: call in protected mode.
void PushSandboxEnv(lua_State* L);

// Makes the environment at `env_index` and the library tables created with it read-only:
// assignments raise "cannot assign to global 'x': globals are read-only at evaluate time"
// ("cannot assign to 'string.x': library tables are read-only"). Protected mode.
void FreezeSandbox(lua_State* L, int env_index);

}  // namespace arbiter
