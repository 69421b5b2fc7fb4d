#include "plugins/lua/lua_sandbox.h"

#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>

#include <lua.hpp>

namespace arbiter {
namespace {

// Registry key (its address) of the table {name = library table} that FreezeSandbox freezes.
char kLibrariesKey;

constexpr const char* kBaseNames[] = {
    "assert",   "error",    "ipairs", "next",     "pairs",  "pcall",  "select",
    "tonumber", "tostring", "type",   "rawequal", "rawget", "rawlen", "getmetatable",
};

// Globals of stock Lua that rules do not get. Reading one names it rather than failing later
// with "attempt to index a nil value (global 'io')", which reads like a bug in the rule.
constexpr const char* kRemovedGlobals[] = {
    "io",   "package",    "debug", "require",   "dofile",         "loadfile",
    "load", "loadstring", "print", "coroutine", "collectgarbage", "_G",
};

// __index of the globals and of each library copy: upvalue 1 is the prefix ("" or "os."),
// upvalue 2 the set of names removed there. A removed name is an error naming it; any other
// missing name is nil, as in stock Lua.
int Unavailable(lua_State* L) {
  if (lua_type(L, 2) == LUA_TSTRING) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) {
      return luaL_error(L,
                        "'%s%s' is not available in rules (the sandbox has no files, processes, "
                        "network, randomness or code loading)",
                        lua_tostring(L, lua_upvalueindex(1)), lua_tostring(L, 2));
    }
  }
  lua_pushnil(L);
  return 1;
}

// Sets on the table at `table` a metatable whose __index is Unavailable over the set of names at
// `removed` (popped), with `prefix` before a name in the message.
void NameTheRemoved(lua_State* L, int table, const char* prefix) {
  table = lua_absindex(L, table);
  int removed = lua_gettop(L);
  lua_createtable(L, 0, 1);
  lua_pushstring(L, prefix);
  lua_pushvalue(L, removed);
  lua_pushcclosure(L, Unavailable, 2);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, table);
  lua_settop(L, removed - 1);
}

// setmetatable without __gc and __mode; otherwise as the base library's.
int SafeSetmetatable(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int type = lua_type(L, 2);
  luaL_argexpected(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table");
  if (type == LUA_TTABLE) {
    for (const char* field : {"__gc", "__mode"}) {
      lua_pushstring(L, field);
      if (lua_rawget(L, 2) != LUA_TNIL) {
        return luaL_error(L,
                          "setmetatable: %s is not allowed (a score must not depend on "
                          "when the garbage collector runs)",
                          field);
      }
      lua_pop(L, 1);
    }
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) {
    return luaL_error(L, "cannot change a protected metatable");
  }
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

// xpcall(f, handler, ...) that calls the handler after the stack has unwound, not at the
// point of the error. Lua runs a message handler where the error is raised, and an error raised
// by the instruction-budget hook runs it with hooks off: a looping handler would never stop.
// (Handlers here cannot inspect the failed frames anyway: there is no debug library.)
int SafeXpcall(lua_State* L) {
  int args = lua_gettop(L) - 2;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 1);  // f, then its arguments, above the handler
  if (lua_pcall(L, args, LUA_MULTRET, 0) == LUA_OK) {
    lua_pushboolean(L, 1);
    lua_replace(L, 1);  // true replaces f; the handler slot is dropped below
    lua_remove(L, 2);
    return lua_gettop(L);
  }
  lua_pushvalue(L, 2);
  lua_rotate(L, -2, 1);   // handler, error
  lua_pcall(L, 1, 1, 0);  // the handler's result, or its own error
  lua_pushboolean(L, 0);
  lua_rotate(L, -2, 1);
  return 2;
}

// __newindex of a frozen table; upvalue 1 is the library's name, or nil for the globals.
int ReadOnly(lua_State* L) {
  const char* key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : nullptr;
  if (lua_isnil(L, lua_upvalueindex(1))) {
    if (key == nullptr) return luaL_error(L, "globals are read-only at evaluate time");
    return luaL_error(L, "cannot assign to global '%s': globals are read-only at evaluate time",
                      key);
  }
  const char* library = lua_tostring(L, lua_upvalueindex(1));
  if (key == nullptr) return luaL_error(L, "library table '%s' is read-only", library);
  return luaL_error(L, "cannot assign to '%s.%s': library tables are read-only", library, key);
}

// The pairs iterator of a frozen table: next over the hidden backing table (upvalue 1), which
// the script never gets hold of.
int BackingNext(lua_State* L) {
  lua_settop(L, 2);
  if (lua_next(L, lua_upvalueindex(1))) return 2;
  return 0;
}

int FrozenPairs(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(1));  // BackingNext, made once per frozen table
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

int FrozenLength(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(lua_rawlen(L, lua_upvalueindex(1))));
  return 1;
}

// Moves the entries of the table at `table` into a hidden backing table that reads fall
// through to, leaving it empty with a locked metatable. `name` is the index of the library's
// name, or 0 for the globals.
void Freeze(lua_State* L, int table, int name) {
  table = lua_absindex(L, table);
  lua_newtable(L);
  int backing = lua_gettop(L);
  // A metatable the script set (an __index fallback, say) keeps working behind the backing.
  if (lua_getmetatable(L, table)) lua_setmetatable(L, backing);
  lua_pushnil(L);
  while (lua_next(L, table)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, backing);
  }
  lua_pushnil(L);
  while (lua_next(L, table)) {  // clearing existing fields during a traversal is allowed
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_rawset(L, table);
  }

  lua_createtable(L, 0, 5);
  lua_pushvalue(L, backing);
  lua_setfield(L, -2, "__index");
  if (name == 0) {
    lua_pushnil(L);
  } else {
    lua_pushvalue(L, name);
  }
  lua_pushcclosure(L, ReadOnly, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, backing);
  lua_pushcclosure(L, BackingNext, 1);
  lua_pushcclosure(L, FrozenPairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_pushvalue(L, backing);
  lua_pushcclosure(L, FrozenLength, 1);
  lua_setfield(L, -2, "__len");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, table);
  lua_pop(L, 1);  // backing
}

// Copies library `name` into env[name] and libraries[name]: only the functions in `names`
// when `keep_only`, else all but those.
void AddLibrary(lua_State* L, int env, int libraries, const char* name, lua_CFunction open,
                std::initializer_list<std::string_view> names, bool keep_only) {
  luaL_requiref(L, name, open, 0);
  int real = lua_gettop(L);
  lua_newtable(L);
  int copy = lua_gettop(L);
  lua_newtable(L);
  int removed = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, real)) {
    bool listed = false;
    if (lua_type(L, -2) == LUA_TSTRING) {
      std::string_view key = lua_tostring(L, -2);
      for (std::string_view n : names) listed = listed || n == key;
    }
    if (listed == keep_only) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, copy);
    } else {
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      lua_pushboolean(L, 1);
      lua_rawset(L, removed);
    }
  }
  lua_pushvalue(L, removed);
  NameTheRemoved(L, copy, (std::string(name) + ".").c_str());
  lua_pushvalue(L, copy);
  lua_setfield(L, env, name);
  lua_pushvalue(L, copy);
  lua_setfield(L, libraries, name);
  lua_settop(L, real - 1);
}

}  // namespace

void PushSandboxEnv(lua_State* L) {
  // The real globals hold the base library; scripts never see this table.
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  int base = lua_gettop(L);
  lua_createtable(L, 0, 24);
  int env = lua_gettop(L);
  for (const char* name : kBaseNames) {
    lua_getfield(L, base, name);
    lua_setfield(L, env, name);
  }
  lua_pushcfunction(L, SafeSetmetatable);
  lua_setfield(L, env, "setmetatable");
  lua_pushcfunction(L, SafeXpcall);
  lua_setfield(L, env, "xpcall");
  lua_createtable(L, 0, static_cast<int>(std::size(kRemovedGlobals)));
  for (const char* name : kRemovedGlobals) {
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, name);
  }
  NameTheRemoved(L, env, "");

  lua_newtable(L);
  int libraries = lua_gettop(L);
  AddLibrary(L, env, libraries, LUA_STRLIBNAME, luaopen_string, {"dump"}, false);
  AddLibrary(L, env, libraries, LUA_TABLIBNAME, luaopen_table, {}, false);
  // No random numbers: a score would depend on which worker drew which number.
  AddLibrary(L, env, libraries, LUA_MATHLIBNAME, luaopen_math, {"random", "randomseed"}, false);
  AddLibrary(L, env, libraries, LUA_UTF8LIBNAME, luaopen_utf8, {}, false);
  AddLibrary(L, env, libraries, LUA_OSLIBNAME, luaopen_os, {"time", "clock"}, true);

  // Strings index the sandbox's `string`; the real library (with dump) stays out of reach.
  lua_pushliteral(L, "");
  lua_createtable(L, 0, 2);
  lua_getfield(L, env, LUA_STRLIBNAME);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_pop(L, 1);

  lua_pushvalue(L, libraries);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kLibrariesKey);
  lua_settop(L, env);
  lua_remove(L, base);
}

void FreezeSandbox(lua_State* L, int env_index) {
  int env = lua_absindex(L, env_index);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kLibrariesKey);
  int libraries = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, libraries)) {
    Freeze(L, -1, lua_gettop(L) - 1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  Freeze(L, env, 0);
}

}  // namespace arbiter
