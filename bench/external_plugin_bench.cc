// The cost of the external plugin ABI: the same evaluator as a built-in (an Evaluator compiled
// into the host) and as a shared library loaded with dlopen, scored on the same demo traces.
// The difference per call is the crossing (view, C call, message sink, host copy of the
// reason); the target is < 50 ns (docs/PERFORMANCE.md). Run from the repository root:
//   build-release/bench/external_plugin_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "plugins/examples/readability/flesch.h"
#include "runner/plugin_api/text_target.h"
#include "runner/plugin_host/plugin_library.h"
#include "runner/trace/trace_validator.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

constexpr size_t kTraces = 200;

// Pre-parsed demo traces with an `output`: each keeps its own parser so the DOM stays valid.
class Traces {
 public:
  Traces() {
    std::ifstream in("datasets/demo/traces.jsonl");
    std::string line;
    while (texts_.size() < kTraces && std::getline(in, line)) texts_.push_back(line);
    if (texts_.empty()) {
      std::fprintf(stderr, "run from the repository root\n");
      std::exit(1);
    }
    parsers_.resize(texts_.size());
    for (size_t i = 0; i < texts_.size(); ++i) {
      simdjson::dom::element root = parsers_[i].parse(texts_[i]).value();
      std::string_view id, output;
      (void)ValidateTrace(root, id);
      // Only traces with an answer: an error row would measure the error path instead.
      if (root["output"].get_string().get(output) == simdjson::SUCCESS && !output.empty()) {
        traces_.emplace_back(root, texts_[i], id);
      }
    }
  }
  const Trace& operator[](size_t i) const { return traces_[i % traces_.size()]; }

 private:
  std::vector<std::string> texts_;
  std::vector<simdjson::dom::parser> parsers_;
  std::vector<Trace> traces_;
};

const Traces& DemoTraces() {
  static const Traces* traces = new Traces;
  return *traces;
}

// The built-in twins of the external evaluators: the same target read, then `Judge` on it.
template <typename Judge>
class BuiltinTwin : public Evaluator {
 public:
  explicit BuiltinTwin(const EvaluatorSpec& spec) : target_(spec) {}
  Result<Score> Evaluate(const Trace& trace, const EvalContext&) const override {
    std::string scratch;
    Result<std::string_view> text = target_.Text(trace, scratch);
    if (!text.ok()) return text.status();
    return Judge()(*text);
  }

 private:
  TextTarget target_;
};

struct Noop {
  Result<Score> operator()(std::string_view) const { return Score{1.0, "ok"}; }
};

struct Readability {
  Result<Score> operator()(std::string_view text) const {
    readability::TextCounts counts = readability::Count(text);
    if (counts.words < 1) return Status::NotFound("too short to judge");
    double ease = readability::ReadingEase(counts);
    return Score{readability::EaseScore(ease), readability::Reason(counts, ease)};
  }
};

const PluginRegistry& External() {
  static PluginRegistry* registry = [] {
    auto* r = new PluginRegistry;
    for (const char* library : {BENCH_NOOP_PLUGIN, READABILITY_PLUGIN}) {
      Status loaded = LoadPluginLibrary(library, *r);
      if (!loaded.ok()) {
        std::fprintf(stderr, "%s\n", loaded.message().c_str());
        std::exit(1);
      }
    }
    return r;
  }();
  return *registry;
}

std::unique_ptr<Evaluator> MakeExternal(const std::string& plugin, const std::string& params) {
  EvaluatorSpec spec =
      testing::SpecFromYaml("plugin: " + plugin + "\ntarget: output\nparams: " + params + "\n");
  auto evaluator = External().Find(plugin)->create(spec);
  if (!evaluator.ok()) {
    std::fprintf(stderr, "%s\n", evaluator.status().message().c_str());
    std::exit(1);
  }
  return std::move(*evaluator);
}

void ScoreAll(benchmark::State& state, const Evaluator& evaluator) {
  const Traces& traces = DemoTraces();
  size_t i = 0;
  for (auto _ : state) {
    Result<Score> score = evaluator.Evaluate(traces[i++], EvalContext{0});
    if (!score.ok()) state.SkipWithError(score.status().message().c_str());
    benchmark::DoNotOptimize(score);
  }
}

EvaluatorSpec OutputSpec() { return testing::SpecFromYaml("target: output\n"); }

void BM_Noop_Builtin(benchmark::State& state) { ScoreAll(state, BuiltinTwin<Noop>(OutputSpec())); }
void BM_Noop_External(benchmark::State& state) {
  ScoreAll(state, *MakeExternal("bench_noop", "{}"));
}
void BM_Noop_ExternalSerialized(benchmark::State& state) {
  ScoreAll(state, *MakeExternal("bench_noop_serial", "{}"));
}
void BM_Readability_Builtin(benchmark::State& state) {
  ScoreAll(state, BuiltinTwin<Readability>(OutputSpec()));
}
void BM_Readability_External(benchmark::State& state) {
  ScoreAll(state, *MakeExternal("readability", "{min_words: 1}"));
}
BENCHMARK(BM_Noop_Builtin);
BENCHMARK(BM_Noop_External);
BENCHMARK(BM_Noop_ExternalSerialized);
BENCHMARK(BM_Readability_Builtin);
BENCHMARK(BM_Readability_External);

}  // namespace
}  // namespace arbiter

BENCHMARK_MAIN();
