#include "plugins/lua/trace_proxy.h"

#include <new>
#include <string>
#include <string_view>
#include <type_traits>

#include <lua.hpp>

namespace arbiter {
namespace {

namespace dom = simdjson::dom;

// Registry keys (their addresses) for the proxy metatable and the epoch of the state.
char kMetatableKey;
char kEpochKey;

// A proxy over one object or array. Lives in Lua-owned memory and is never destroyed, so it
// must hold only trivially destructible members.
struct Proxy {
  uint64_t generation;
  dom::element element;
  bool is_array;
  lua_Integer length;  // arrays: number of elements
  // Arrays: `cursor` points at element `cursor_index` (1-based; 0 = unset). DOM arrays have no
  // random access, so remembering the last position makes ipairs and for-loops O(n), not O(n^2).
  lua_Integer cursor_index;
  dom::array::iterator cursor;
};

// The state of one `pairs` loop, held by its iterator closure.
struct PairsState {
  uint64_t generation;
  bool is_array;
  lua_Integer index;  // arrays: index of the last element returned
  dom::array::iterator array_it, array_end;
  dom::object::iterator object_it, object_end;
};

static_assert(std::is_trivially_destructible_v<Proxy>);
static_assert(std::is_trivially_destructible_v<PairsState>);

// Every metamethod and iterator closure carries (1) the proxy metatable, (2) the epoch.
const ProxyEpoch* Epoch(lua_State* L) {
  return static_cast<const ProxyEpoch*>(lua_touserdata(L, lua_upvalueindex(2)));
}

void CheckGeneration(lua_State* L, uint64_t generation) {
  if (generation != Epoch(L)->generation) luaL_error(L, "trace value used after evaluate returned");
}

// The proxy at `index`. Only proxies carry the (locked) proxy metatable, so every metamethod's
// first argument is one.
Proxy* LiveProxy(lua_State* L, int index) {
  Proxy* proxy = static_cast<Proxy*>(lua_touserdata(L, index));
  CheckGeneration(L, proxy->generation);
  return proxy;
}

lua_Integer ArrayLength(dom::array array) {
  size_t size = array.size();
  if (size < 0xFFFFFF) return static_cast<lua_Integer>(size);
  size = 0;  // simdjson saturates the stored size; count the long array instead
  for (auto it = array.begin(); it != array.end(); ++it) ++size;
  return static_cast<lua_Integer>(size);
}

// Pushes `element` as a Lua value; objects and arrays as proxies with the metatable at `mt`.
void PushElement(lua_State* L, dom::element element, int mt, uint64_t generation) {
  switch (element.type()) {
    case dom::element_type::ARRAY:
    case dom::element_type::OBJECT: {
      void* memory = lua_newuserdatauv(L, sizeof(Proxy), 0);
      Proxy* proxy = new (memory) Proxy{generation, element, false, 0, 0, {}};
      dom::array array;
      if (element.get_array().get(array) == simdjson::SUCCESS) {
        proxy->is_array = true;
        proxy->length = ArrayLength(array);
      }
      lua_pushvalue(L, mt);
      lua_setmetatable(L, -2);
      return;
    }
    case dom::element_type::STRING: {
      std::string_view text;
      if (element.get_string().get(text) != simdjson::SUCCESS) text = {};
      lua_pushlstring(L, text.data(), text.size());
      return;
    }
    case dom::element_type::INT64: {
      int64_t value = 0;
      if (element.get_int64().get(value) != simdjson::SUCCESS) value = 0;
      lua_pushinteger(L, static_cast<lua_Integer>(value));
      return;
    }
    case dom::element_type::UINT64:  // only values above INT64_MAX land here
    case dom::element_type::DOUBLE: {
      double value = 0;
      if (element.get_double().get(value) != simdjson::SUCCESS) value = 0;
      lua_pushnumber(L, value);
      return;
    }
    case dom::element_type::BOOL: {
      bool value = false;
      if (element.get_bool().get(value) != simdjson::SUCCESS) value = false;
      lua_pushboolean(L, value);
      return;
    }
    case dom::element_type::NULL_VALUE:
      lua_pushnil(L);
      return;
  }
  lua_pushnil(L);
}

void PushChild(lua_State* L, dom::element element) {
  PushElement(L, element, lua_upvalueindex(1), Epoch(L)->generation);
}

dom::element ArrayAt(Proxy* proxy, lua_Integer index) {
  if (proxy->cursor_index == 0 || index < proxy->cursor_index) {
    dom::array array;
    if (proxy->element.get_array().get(array) != simdjson::SUCCESS) return proxy->element;
    proxy->cursor = array.begin();  // (is_array was checked at creation: never taken)
    proxy->cursor_index = 1;
  }
  for (; proxy->cursor_index < index; ++proxy->cursor_index) ++proxy->cursor;
  return *proxy->cursor;
}

int Index(lua_State* L) {
  Proxy* proxy = LiveProxy(L, 1);
  if (proxy->is_array) {
    if (lua_type(L, 2) != LUA_TNUMBER) return 0;  // no string keys on arrays: nil, as in Lua
    int is_integer = 0;
    lua_Integer index = lua_tointegerx(L, 2, &is_integer);
    if (!is_integer || index < 1 || index > proxy->length) return 0;
    PushChild(L, ArrayAt(proxy, index));
    return 1;
  }
  if (lua_type(L, 2) != LUA_TSTRING) return 0;
  size_t length = 0;
  const char* key = lua_tolstring(L, 2, &length);
  dom::object object;
  dom::element child;
  if (proxy->element.get_object().get(object) != simdjson::SUCCESS ||
      object.at_key(std::string_view(key, length)).get(child) != simdjson::SUCCESS) {
    return 0;
  }
  PushChild(L, child);
  return 1;
}

int NewIndex(lua_State* L) {
  LiveProxy(L, 1);
  return luaL_error(L, "trace is read-only");
}

int Length(lua_State* L) {
  Proxy* proxy = LiveProxy(L, 1);
  lua_pushinteger(L, proxy->is_array ? proxy->length : 0);  // a Lua table with only keys: 0
  return 1;
}

int ToString(lua_State* L) {
  Proxy* proxy = LiveProxy(L, 1);
  // Not a local: a memory error in lua_pushlstring unwinds with longjmp, skipping destructors.
  static thread_local std::string json;
  json = simdjson::to_string(proxy->element);
  lua_pushlstring(L, json.data(), json.size());
  return 1;
}

// The iterator closure of one pairs loop; upvalue 3 is its PairsState.
int PairsNext(lua_State* L) {
  PairsState* state = static_cast<PairsState*>(lua_touserdata(L, lua_upvalueindex(3)));
  CheckGeneration(L, state->generation);
  if (state->is_array) {
    if (state->array_it == state->array_end) return 0;
    lua_pushinteger(L, ++state->index);
    PushChild(L, *state->array_it);
    ++state->array_it;
    return 2;
  }
  if (state->object_it == state->object_end) return 0;
  std::string_view key = state->object_it.key();
  lua_pushlstring(L, key.data(), key.size());
  PushChild(L, state->object_it.value());
  ++state->object_it;
  return 2;
}

int Pairs(lua_State* L) {
  Proxy* proxy = LiveProxy(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, lua_upvalueindex(2));
  void* memory = lua_newuserdatauv(L, sizeof(PairsState), 0);
  PairsState* state = new (memory) PairsState{};
  state->generation = proxy->generation;
  state->is_array = proxy->is_array;
  dom::array array;
  dom::object object;
  if (proxy->element.get_array().get(array) == simdjson::SUCCESS) {
    state->array_it = array.begin();
    state->array_end = array.end();
  } else if (proxy->element.get_object().get(object) == simdjson::SUCCESS) {
    state->object_it = object.begin();
    state->object_end = object.end();
  }
  lua_pushcclosure(L, PairsNext, 3);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

}  // namespace

void InstallTraceProxy(lua_State* L, const ProxyEpoch* epoch) {
  static const luaL_Reg kMetamethods[] = {{"__index", Index},       {"__newindex", NewIndex},
                                          {"__len", Length},        {"__pairs", Pairs},
                                          {"__tostring", ToString}, {nullptr, nullptr}};
  lua_createtable(L, 0, 7);
  lua_pushvalue(L, -1);
  lua_pushlightuserdata(L, const_cast<ProxyEpoch*>(epoch));
  luaL_setfuncs(L, kMetamethods, 2);
  lua_pushliteral(L, "trace");  // type name in Lua's messages ("attempt to call a trace value")
  lua_setfield(L, -2, "__name");
  lua_pushboolean(L, 0);  // getmetatable(proxy) returns false; setmetatable cannot replace it
  lua_setfield(L, -2, "__metatable");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kMetatableKey);
  lua_pushlightuserdata(L, const_cast<ProxyEpoch*>(epoch));
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kEpochKey);
}

void PushTraceRoot(lua_State* L, simdjson::dom::element root) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kEpochKey);
  const ProxyEpoch* epoch = static_cast<const ProxyEpoch*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kMetatableKey);
  PushElement(L, root, lua_gettop(L), epoch->generation);
  lua_remove(L, -2);
}

}  // namespace arbiter
