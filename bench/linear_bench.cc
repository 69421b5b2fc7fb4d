// Inputs that once took quadratic time, measured at growing sizes so Google Benchmark fits the
// growth (the BigO line: O(N) with a small RMS means linear). Unit tests check only what these
// kernels return; their speed is measured here, where timing belongs. Run:
//   build-release/bench/linear_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include "plugins/agent/tool_calls_plugin.h"
#include "runner/base/yaml_file.h"
#include "runner/source/otlp/mapping.h"

namespace arbiter {
namespace {

// `n` distinct `${HOME:-h}N` scalars in one YAML file: substitution compared each with every
// earlier one (30,000 took 4.6 s).
void BM_YamlDistinctReferences(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::string text = "id: many\nvalues:\n";
  for (int i = 0; i < n; ++i) text += "  - ${HOME:-h}" + std::to_string(i) + "\n";
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("linear_bench_" + std::to_string(n) + ".yaml");
  std::ofstream(path) << text;
  for (auto _ : state) {
    Result<YAML::Node> loaded = LoadYamlFile(path);
    if (!loaded.ok()) state.SkipWithError(loaded.status().message().c_str());
    benchmark::DoNotOptimize(loaded);
  }
  std::filesystem::remove(path);
  state.SetComplexityN(n);
}
BENCHMARK(BM_YamlDistinctReferences)->RangeMultiplier(4)->Range(1 << 10, 1 << 16)
    ->Unit(benchmark::kMillisecond)->Complexity(benchmark::oN);

// One OTLP chat span that requests `n` tool calls answered in reverse order: each call was matched
// against every message (30,000 took 14 s).
void BM_OtlpToolResults(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  OrderedJson messages = OrderedJson::array();
  OrderedJson parts = OrderedJson::array();
  for (int i = 0; i < n; ++i) {
    parts.push_back({{"type", "tool_call"}, {"id", "c" + std::to_string(i)}, {"name", "f"}});
  }
  messages.push_back({{"role", "assistant"}, {"parts", parts}});
  for (int i = n - 1; i >= 0; --i) {
    messages.push_back({{"role", "tool"},
                        {"parts", OrderedJson::array({{{"type", "tool_call_response"},
                                                       {"id", "c" + std::to_string(i)},
                                                       {"response", "r"}}})}});
  }
  OtlpSpan span;
  span.trace_id = std::string(32, 'a');
  span.span_id = std::string(16, 'b');
  span.name = "chat";
  span.attributes = {{"gen_ai.operation.name", "chat"}, {"gen_ai.input.messages", messages.dump()}};
  for (auto _ : state) {
    std::vector<OtlpSpan> spans = {span};
    benchmark::DoNotOptimize(MapOtlpTrace(spans));
  }
  state.SetComplexityN(n);
}
BENCHMARK(BM_OtlpToolResults)->RangeMultiplier(4)->Range(1 << 10, 1 << 16)
    ->Unit(benchmark::kMillisecond)->Complexity(benchmark::oN);

// `tool_calls` with no_repeats over `n` distinct calls: every pair was compared (150,000 took
// 294 s).
void BM_ToolCallsNoRepeats(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::string json = R"({"trace_id": "t", "tool_calls": [)";
  for (int i = 0; i < n; ++i) {
    json += R"({"name": "search", "arguments": {"q": )" + std::to_string(i) + "}}";
    json += i + 1 < n ? "," : "]}";
  }
  EvaluatorSpec spec;
  spec.id = "no-repeats";
  spec.version = 1;
  spec.plugin = "tool_calls";
  spec.node = YAML::Load("plugin: tool_calls\nparams: {no_repeats: true}\n");
  spec.params = spec.node["params"];
  auto evaluator = ToolCallsPlugin().create(spec);
  if (!evaluator.ok()) {
    state.SkipWithError(evaluator.status().message().c_str());
    return;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(json).value();
  Trace trace(root, json, "t");
  for (auto _ : state) benchmark::DoNotOptimize((*evaluator)->Evaluate(trace, EvalContext{}));
  state.SetComplexityN(n);
}
BENCHMARK(BM_ToolCallsNoRepeats)->RangeMultiplier(4)->Range(1 << 10, 1 << 16)
    ->Unit(benchmark::kMillisecond)->Complexity(benchmark::oN);

}  // namespace
}  // namespace arbiter

BENCHMARK_MAIN();
