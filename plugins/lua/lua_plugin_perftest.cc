// Per-call cost of a small lua evaluator (three field reads) on a ~2 KB trace. Run by hand:
//   build/plugins/lua/lua_plugin_perftest [calls]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "plugins/lua/lua_plugin.h"
#include "tests/test_util.h"

int main(int argc, char** argv) {
  using namespace arbiter;
  long calls = argc > 1 ? std::atol(argv[1]) : 200000;
  std::string filler(1500, 'x');
  std::string json =
      R"({"trace_id": "t-000123", "session_id": "s-42", "input": "Where is my refund?", )"
      R"("output": "Your refund was issued [doc1]. )" +
      filler +
      R"(", )"
      R"("messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": )"
      R"("Where is my refund?"}, {"role": "assistant", "content": "It was issued."}], )"
      R"("retrieved_documents": [{"id": "doc1", "content": "Refund policy: 14 days."}], )"
      R"("tool_calls": [{"name": "lookup_order", "arguments": {"id": 17}, "result": "ok", "error": null}], )"
      R"("usage": {"input_tokens": 1200, "output_tokens": 300}, "latency_ms": 1234, )"
      R"("metadata": {"intent": "refund", "persona": "enterprise", "language": "de"}})";
  arbiter::testing::ParsedTrace trace(json);
  // Three field reads; then a heavier script: a loop over the messages and a search of the
  // 1.6 KB output (copied into Lua on each access).
  const char* scripts[] = {
      "function evaluate(trace)\n"
      "  local intent = trace.metadata.intent\n"
      "  local tool = trace.tool_calls[1].name\n"
      "  local n = #trace.messages\n"
      "  if intent == 'refund' and tool == 'lookup_order' and n == 3 then return 1 end\n"
      "  return {score = 0, reason = 'unexpected ' .. tostring(intent)}\n"
      "end\n",
      "function evaluate(trace)\n"
      "  local users = 0\n"
      "  for _, m in ipairs(trace.messages) do if m.role == 'user' then users = users + 1 end end\n"
      "  local cited = trace.output:match('%[(doc%d+)%]')\n"
      "  for _, d in ipairs(trace.retrieved_documents) do\n"
      "    if d.id == cited then return {score = 1, reason = cited .. ' ' .. users} end\n"
      "  end\n"
      "  return 0\n"
      "end\n",
  };
  for (const char* script : scripts) {
    std::string yaml = "plugin: lua\nparams:\n  source: |\n";
    for (const char* line = script; *line != '\0';) {
      const char* end = std::strchr(line, '\n');
      yaml += "    " + std::string(line, end + 1);
      line = end + 1;
    }
    auto evaluator = LuaPlugin().create(arbiter::testing::SpecFromYaml(yaml));
    if (!evaluator.ok()) {
      std::fprintf(stderr, "%s\n", evaluator.status().ToString().c_str());
      return 1;
    }
    double sum = 0;
    for (int i = 0; i < 1000; ++i) sum += (*evaluator)->Evaluate(trace, EvalContext{})->value;
    // CPU time as well as wall time: the figure that matters when other processes share cores.
    std::clock_t cpu_start = std::clock();
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < calls; ++i) sum += (*evaluator)->Evaluate(trace, EvalContext{})->value;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    std::printf(
        "trace %zu bytes, %ld calls: %.3f us/call CPU (%.3f wall), %.0f calls/s per "
        "core (checksum %.0f)\n",
        json.size(), calls, cpu / calls * 1e6, seconds / calls * 1e6, calls / cpu, sum);
  }
  return 0;
}
