#include "plugins/lua/lua_worker.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <lua.hpp>

#include "plugins/lua/lua_sandbox.h"

// Lua reports errors with longjmp, which skips C++ destructors. The functions Lua calls
// (Protected*, CountHook, Allocate) therefore keep no C++ objects with destructors alive
// across a Lua call that can raise; results go into members instead.

namespace arbiter {
namespace {

constexpr char kExpected[] = "expected a number, a boolean or {score=..., reason=...}";

int AppendToString(lua_State* /*L*/, const void* data, size_t size, void* out) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return 0;
}

// Stores a score read from the value at `index` (a number or a boolean); false otherwise.
bool ReadScore(lua_State* L, int index, double& score) {
  if (lua_type(L, index) == LUA_TNUMBER) {
    score = lua_tonumber(L, index);
    return true;
  }
  if (lua_type(L, index) == LUA_TBOOLEAN) {
    score = lua_toboolean(L, index) ? 1.0 : 0.0;
    return true;
  }
  return false;
}

}  // namespace

Result<LuaChunk> CompileLua(std::string_view source, std::string chunkname, LuaLimits limits) {
  lua_State* L = luaL_newstate();
  if (L == nullptr) return Status::Internal("cannot create a Lua state");
  LuaChunk chunk;
  chunk.chunkname = std::move(chunkname);
  chunk.limits = limits;
  // Mode "t": a precompiled chunk could crash the VM, so only source text is accepted.
  if (luaL_loadbufferx(L, source.data(), source.size(), chunk.chunkname.c_str(), "t") != LUA_OK) {
    const char* error = lua_tostring(L, -1);
    std::string message = error != nullptr ? error : "unknown error";
    lua_close(L);
    return Status::InvalidArgument(std::move(message));
  }
  lua_dump(L, AppendToString, &chunk.bytecode, /*strip=*/0);  // keep lines for messages
  lua_close(L);
  return chunk;
}

Result<std::unique_ptr<LuaWorker>> LuaWorker::Create(std::shared_ptr<const LuaChunk> chunk) {
  std::unique_ptr<LuaWorker> worker(new LuaWorker(std::move(chunk)));
  ARBITER_RETURN_IF_ERROR(worker->Open());
  return worker;
}

LuaWorker::~LuaWorker() { Close(); }

LuaWorker* LuaWorker::Self(lua_State* L) { return *static_cast<LuaWorker**>(lua_getextraspace(L)); }

void* LuaWorker::Allocate(void* self, void* block, size_t old_size, size_t new_size) {
  LuaWorker* worker = static_cast<LuaWorker*>(self);
  size_t old = block != nullptr ? old_size : 0;  // for a new block old_size is a type tag
  if (new_size == 0) {
    std::free(block);
    worker->used_ -= old;
    return nullptr;
  }
  if (new_size > old && worker->used_ - old + new_size > worker->chunk_->limits.max_memory_bytes) {
    worker->refused_ = true;  // Lua collects garbage and retries once, then raises
    return nullptr;
  }
  void* resized = std::realloc(block, new_size);
  if (resized != nullptr) worker->used_ = worker->used_ - old + new_size;
  return resized;
}

void LuaWorker::CountHook(lua_State* L, lua_Debug* ar) {
  LuaWorker* self = Self(L);
  if (!self->budget_exceeded_) {
    self->budget_exceeded_ = true;
    if (lua_getinfo(L, "Sl", ar) != 0 && ar->currentline > 0) {
      std::snprintf(self->where_, sizeof(self->where_), " at %s:%d", ar->short_src,
                    ar->currentline);
    }
    // From now on every instruction raises, so pcall cannot carry a script past its budget.
    lua_sethook(L, CountHook, LUA_MASKCOUNT, 1);
  }
  luaL_error(L, "instruction budget exceeded");
}

void LuaWorker::ArmBudget() {
  budget_exceeded_ = false;
  where_[0] = '\0';
  lua_sethook(L_, CountHook, LUA_MASKCOUNT, chunk_->limits.max_instructions);
}

int LuaWorker::ProtectedOpen(lua_State* L) {
  LuaWorker* self = Self(L);
  InstallTraceProxy(L, &self->epoch_);
  PushSandboxEnv(L);
  int env = lua_gettop(L);
  const LuaChunk& chunk = *self->chunk_;
  // Bytecode is safe here: CompileLua made it from source text.
  if (luaL_loadbufferx(L, chunk.bytecode.data(), chunk.bytecode.size(), chunk.chunkname.c_str(),
                       "b") != LUA_OK) {
    return lua_error(L);
  }
  lua_pushvalue(L, env);
  lua_setupvalue(L, -2, 1);  // the chunk's _ENV
  self->in_top_level_ = true;
  lua_call(L, 0, 0);
  self->in_top_level_ = false;
  int type = lua_getfield(L, env, "evaluate");
  if (type == LUA_TNIL) return luaL_error(L, "the script defines no global function 'evaluate'");
  if (type != LUA_TFUNCTION) {
    return luaL_error(L, "global 'evaluate' is a %s, not a function", lua_typename(L, type));
  }
  self->evaluate_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  FreezeSandbox(L, env);
  return 0;
}

Status LuaWorker::Open() {
  in_top_level_ = false;
  used_ = 0;
  refused_ = false;
  L_ = lua_newstate(Allocate, this);
  if (L_ == nullptr) return Status::Internal("cannot create a Lua state");
  *static_cast<LuaWorker**>(lua_getextraspace(L_)) = this;
  ArmBudget();
  lua_pushcfunction(L_, ProtectedOpen);
  int status = lua_pcall(L_, 0, 0, 0);
  if (status != LUA_OK) {
    std::string message = FailureMessage(status);
    if (in_top_level_) message = "top level failed: " + message;
    Close();
    return Status::InvalidArgument(std::move(message));
  }
  lua_settop(L_, 0);
  return Status::OK();
}

void LuaWorker::Close() {
  if (L_ != nullptr) lua_close(L_);
  L_ = nullptr;
}

int LuaWorker::ProtectedEvaluate(lua_State* L) {
  LuaWorker* self = Self(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, self->evaluate_ref_);
  PushTraceRoot(L, self->trace_);
  lua_call(L, 1, 1);
  int result = lua_gettop(L);
  switch (lua_type(L, result)) {
    case LUA_TNUMBER:
    case LUA_TBOOLEAN:
      ReadScore(L, result, self->score_);
      break;
    case LUA_TTABLE: {
      int score_type = lua_getfield(L, result, "score");
      if (score_type == LUA_TNIL) {
        return luaL_error(L, "evaluate returned a table without score; %s", kExpected);
      }
      if (!ReadScore(L, -1, self->score_)) {
        return luaL_error(L,
                          "evaluate returned a table whose score is a %s; expected a number "
                          "or a boolean",
                          lua_typename(L, score_type));
      }
      int reason_type = lua_getfield(L, result, "reason");
      if (reason_type == LUA_TSTRING) {
        size_t length = 0;
        const char* reason = lua_tolstring(L, -1, &length);
        self->reason_.assign(reason, length);
      } else if (reason_type != LUA_TNIL) {
        return luaL_error(L, "evaluate returned a table whose reason is a %s; expected a string",
                          lua_typename(L, reason_type));
      }
      break;
    }
    case LUA_TNIL:
      return luaL_error(L, "evaluate returned nil; %s", kExpected);
    default:
      return luaL_error(L, "evaluate returned a %s; %s", luaL_typename(L, result), kExpected);
  }
  if (std::isnan(self->score_)) return luaL_error(L, "evaluate returned NaN");
  if (std::isinf(self->score_)) {
    return luaL_error(L, "evaluate returned %s", self->score_ > 0 ? "inf" : "-inf");
  }
  return 0;
}

Result<Score> LuaWorker::Evaluate(simdjson::dom::element trace) {
  if (L_ == nullptr) {  // a previous recovery could not rebuild the state
    Status reopened = Open();
    if (!reopened.ok()) return Status::Internal("cannot restart Lua: " + reopened.message());
  }
  ++epoch_.generation;
  trace_ = trace;
  refused_ = false;
  reason_.clear();
  ArmBudget();
  lua_pushcfunction(L_, ProtectedEvaluate);
  int status = lua_pcall(L_, 0, 0, 0);
  if (status == LUA_OK) {
    ++epoch_.generation;  // proxies made during the call are dead from here on
    return Score{score_, std::move(reason_)};
  }
  std::string message = FailureMessage(status);
  ++epoch_.generation;
  Recover(status);
  return Status::Internal(std::move(message));
}

std::string LuaWorker::LimitMessage() const {
  if (budget_exceeded_) {
    return "instruction budget of " + std::to_string(chunk_->limits.max_instructions) +
           " exceeded" + where_;
  }
  return "memory limit of " + std::to_string(chunk_->limits.max_memory_bytes >> 20) +
         " MB exceeded";
}

int LuaWorker::ProtectedDescribe(lua_State* L) {
  LuaWorker* self = Self(L);
  size_t length = 0;
  const char* text = nullptr;
  if (lua_type(L, 1) == LUA_TNUMBER || luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
    text = luaL_tolstring(L, 1, &length);  // may run the script's __tostring
  } else {
    text = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    length = std::strlen(text);
  }
  self->message_.assign(text, length);
  return 0;
}

std::string LuaWorker::FailureMessage(int status) {
  if (budget_exceeded_ || status == LUA_ERRMEM) return LimitMessage();
  size_t length = 0;
  const char* text = lua_type(L_, -1) == LUA_TSTRING ? lua_tolstring(L_, -1, &length) : nullptr;
  // A script that caught the memory error and raised it again.
  if (refused_ && text != nullptr && std::strcmp(text, "not enough memory") == 0) {
    return LimitMessage();
  }
  if (text != nullptr) return std::string(text, length);
  // Other error objects (tables, numbers, nil) are described in protected mode, since
  // __tostring runs script code and converting a number allocates.
  const char* type = luaL_typename(L_, -1);
  message_.clear();
  ArmBudget();
  lua_pushcfunction(L_, ProtectedDescribe);
  lua_insert(L_, -2);
  if (lua_pcall(L_, 1, 0, 0) != LUA_OK || message_.empty()) {
    return std::string("(error object is a ") + type + " value)";
  }
  return std::move(message_);
}

void LuaWorker::Recover(int status) {
  lua_settop(L_, 0);
  bool rebuild = lua_status(L_) != LUA_OK;
  if (status == LUA_ERRMEM || refused_) {
    ArmBudget();
    lua_gc(L_, LUA_GCCOLLECT);
    // Still near the cap: the script keeps its data reachable (in an upvalue, say), and the
    // next call would fail too. Start afresh.
    rebuild = rebuild || used_ > chunk_->limits.max_memory_bytes / 2;
  }
  if (rebuild) {
    Close();
    (void)Open();  // on failure L_ stays null and the next call reports it
  }
}

}  // namespace arbiter
