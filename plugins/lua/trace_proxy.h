// The trace as a Lua script sees it: a lazy, read-only view of the simdjson DOM. Nothing is
// converted up front; each access converts one value:
//   - objects and arrays become proxies (userdata) indexed like tables: objects by string key,
//     arrays 1-based by integer; `#` gives an array's length (0 for an object); `pairs` walks
//     an object's members in document order and an array's elements in order; `ipairs` works;
//     `tostring` gives the value's minified JSON; any assignment raises "trace is read-only";
//   - strings become Lua strings, integers Lua integers (a uint64 above 2^63-1 a float),
//     other numbers floats, booleans booleans, and JSON null nil (so a null field and a
//     missing one look alike, as for Lua tables).
// A proxy points into a document that lives only for one evaluate call. Each proxy remembers
// the generation of the call that made it and raises "trace value used after evaluate
// returned" when touched in a later call (a script may stash one in an upvalue).
#pragma once

#include <cstdint>

#include <simdjson.h>

struct lua_State;

namespace arbiter {

// Which evaluate call is running in one Lua state; bump `generation` for every call.
struct ProxyEpoch {
  uint64_t generation = 0;
};

// Creates the proxy metatables in `L`. `epoch` must outlive the state. Allocates, so call it
// in protected mode.
void InstallTraceProxy(lua_State* L, const ProxyEpoch* epoch);

// Pushes `root` as a proxy of the current generation (or as a Lua value if it is a scalar).
// REQUIRES: InstallTraceProxy ran on `L`; protected mode.
void PushTraceRoot(lua_State* L, simdjson::dom::element root);

}  // namespace arbiter
