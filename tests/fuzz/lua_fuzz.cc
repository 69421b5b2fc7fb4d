// The Lua sandbox on arbitrary chunks: compile, run the top level, call evaluate on a fixed
// trace, under small instruction and memory limits. Nothing a chunk does may escape the
// sandbox, crash the host or outlive its budget.
#include <simdjson.h>

#include "plugins/lua/lua_worker.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  const simdjson::dom::element trace = fuzz::FixedTrace();
  LuaLimits limits;
  limits.max_instructions = 200'000;
  limits.max_memory_bytes = size_t{16} << 20;
  Result<LuaChunk> chunk = CompileLua(fuzz::AsText(data, size), "=fuzz", limits);
  if (!chunk.ok()) return 0;
  auto shared = std::make_shared<const LuaChunk>(std::move(*chunk));
  Result<std::unique_ptr<LuaWorker>> worker = LuaWorker::Create(shared);
  if (!worker.ok()) return 0;
  for (int call = 0; call < 2; ++call) (void)(*worker)->Evaluate(trace);
  return 0;
}
