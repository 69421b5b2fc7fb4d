// A compiled Lua script and the per-thread states that run it. The `lua` plugin compiles once
// (CompileLua), then gives each worker thread its own LuaWorker: no locks on the hot path.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "plugins/lua/trace_proxy.h"
#include "runner/base/status.h"
#include "runner/plugin_api/evaluator.h"

struct lua_State;
struct lua_Debug;

namespace arbiter {

struct LuaLimits {
  // VM instructions per evaluate call (and for the top level). C functions (string.find with a
  // pathological pattern, say) count as one instruction however long they run.
  int max_instructions = 1'000'000;
  // Bytes one state may hold, libraries and script data included.
  size_t max_memory_bytes = size_t{64} << 20;
};

// A script compiled once and shared, read-only, by every worker.
struct LuaChunk {
  std::string chunkname;  // "@check.lua" or "=source": how messages name the script
  std::string bytecode;   // the compiled main function (lua_dump, with line information)
  LuaLimits limits;
};

// Compiles `source` as text; precompiled bytecode is refused. Nothing runs. The error is
// Lua's message ("check.lua:3: 'end' expected near <eof>").
Result<LuaChunk> CompileLua(std::string_view source, std::string chunkname, LuaLimits limits);

// One sandboxed state (see lua_sandbox.h) running a chunk. Not thread-safe: one per thread.
class LuaWorker {
 public:
  // Runs the chunk's top level, takes the global function `evaluate`, then freezes the
  // globals. Errors: "top level failed: <Lua message>", "no global function 'evaluate' (it is
  // nil)".
  static Result<std::unique_ptr<LuaWorker>> Create(std::shared_ptr<const LuaChunk> chunk);
  ~LuaWorker();
  LuaWorker(const LuaWorker&) = delete;
  LuaWorker& operator=(const LuaWorker&) = delete;

  // Calls evaluate(trace). A Lua error, an exceeded limit or a return value of the wrong kind
  // is an error Status; the state stays usable for the next call (it is rebuilt when an
  // error leaves it holding too much memory).
  Result<Score> Evaluate(simdjson::dom::element trace);

  // Bytes the state holds now (for tests).
  size_t memory_used() const { return used_; }

 private:
  explicit LuaWorker(std::shared_ptr<const LuaChunk> chunk) : chunk_(std::move(chunk)) {}

  Status Open();
  void Close();
  void ArmBudget();
  // The message for a failed protected call whose error object is on the stack top.
  std::string FailureMessage(int status);
  std::string LimitMessage() const;
  void Recover(int status);

  static LuaWorker* Self(lua_State* L);
  static void* Allocate(void* self, void* block, size_t old_size, size_t new_size);
  static void CountHook(lua_State* L, lua_Debug* ar);
  static int ProtectedOpen(lua_State* L);
  static int ProtectedEvaluate(lua_State* L);
  static int ProtectedDescribe(lua_State* L);

  std::shared_ptr<const LuaChunk> chunk_;
  lua_State* L_ = nullptr;
  int evaluate_ref_ = 0;
  bool in_top_level_ = false;  // Open is running the chunk's top level
  ProxyEpoch epoch_;

  // Memory accounting (Allocate).
  size_t used_ = 0;
  bool refused_ = false;  // an allocation was refused during the current call

  // Instruction budget (CountHook); where_ names the line that ran out.
  bool budget_exceeded_ = false;
  char where_[96] = {};

  // The call in progress and what it produced.
  simdjson::dom::element trace_;
  double score_ = 0;
  std::string reason_;
  std::string message_;
};

}  // namespace arbiter
