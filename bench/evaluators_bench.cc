// Per-trace cost of the hot-path kernels on the bundled demo traces: parsing and type-checking
// a trace, and each demo evaluator's Evaluate. Run from the repository root:
//   build-release/bench/evaluators_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "plugins/register_builtins.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/suite/suite.h"
#include "runner/trace/trace_validator.h"

namespace arbiter {
namespace {

const std::vector<std::string>& DemoTraces() {
  static const auto* traces = [] {
    auto* lines = new std::vector<std::string>;
    std::ifstream in("datasets/demo/traces.jsonl");
    std::string line;
    while (std::getline(in, line) && lines->size() < 1000) lines->push_back(line);
    if (lines->empty()) std::fprintf(stderr, "run from the repository root\n");
    return lines;
  }();
  return *traces;
}

const Suite& DemoSuite() {
  static const Suite* suite = [] {
    static PluginRegistry registry;
    (void)RegisterBuiltinPlugins(registry);
    auto loaded = LoadSuite("evaluators/suites/demo.yaml", registry);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
      std::abort();
    }
    auto* s = new Suite(std::move(*loaded));
    for (LoadedEvaluator& e : s->evaluators) (void)e.evaluator->PrepareWorkers(1);
    return s;
  }();
  return *suite;
}

void BM_ParseAndValidate(benchmark::State& state) {
  const auto& traces = DemoTraces();
  simdjson::dom::parser parser;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& json = traces[i++ % traces.size()];
    simdjson::dom::element root = parser.parse(json).value();
    std::string_view id;
    benchmark::DoNotOptimize(ValidateTrace(root, id));
    bytes += json.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ParseAndValidate);

// One benchmark per demo evaluator, over pre-parsed traces.
void BM_Evaluate(benchmark::State& state, const LoadedEvaluator& evaluator) {
  const auto& texts = DemoTraces();
  std::vector<simdjson::dom::parser> parsers(texts.size());
  std::vector<Trace> traces;
  for (size_t i = 0; i < texts.size(); ++i) {
    simdjson::dom::element root = parsers[i].parse(texts[i]).value();
    std::string_view id;
    (void)ValidateTrace(root, id);
    traces.emplace_back(root, texts[i], id);
  }
  size_t i = 0;
  for (auto _ : state) {
    const Trace& trace = traces[i++ % traces.size()];
    if (evaluator.when && !evaluator.when->Matches(trace.root())) continue;
    benchmark::DoNotOptimize(evaluator.evaluator->Evaluate(trace, EvalContext{0}));
  }
}
}  // namespace
}  // namespace arbiter

int main(int argc, char** argv) {
  for (const arbiter::LoadedEvaluator& evaluator : arbiter::DemoSuite().evaluators) {
    benchmark::RegisterBenchmark(("BM_Evaluate/" + evaluator.spec.id).c_str(),
                                 arbiter::BM_Evaluate, std::cref(evaluator));
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
