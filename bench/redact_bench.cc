// Cost of redaction (runner/redact/redactor.h) on the bundled demo traces, and its growth with the size
// of one text. Run from the repository root:
//   build/bench/redact_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/redact/redactor.h"

namespace arbiter {
namespace {

const std::vector<nlohmann::ordered_json>& DemoTraces() {
  static const auto* traces = [] {
    auto* parsed = new std::vector<nlohmann::ordered_json>;
    std::ifstream in("datasets/demo/traces.jsonl");
    std::string line;
    while (std::getline(in, line) && parsed->size() < 1000) {
      parsed->push_back(nlohmann::ordered_json::parse(line));
    }
    if (parsed->empty()) std::fprintf(stderr, "run from the repository root\n");
    return parsed;
  }();
  return *traces;
}

// A policy pattern on top of the built-in rules, as `arbiter redact --policy` runs them.
const Redactor& PolicyRedactor() {
  static const Redactor* redactor = [] {
    Result<Redactor> created = Redactor::Create({{{"ORDER_ID", "ORD-[0-9]{8}"}}});
    if (!created.ok()) std::abort();
    return new Redactor(std::move(created).value());
  }();
  return *redactor;
}

// RedactJson needs a fresh copy of each trace; BM_CopyTrace is that copy alone, to subtract.
void BM_CopyTrace(benchmark::State& state) {
  const auto& traces = DemoTraces();
  size_t i = 0;
  for (auto _ : state) {
    nlohmann::ordered_json trace = traces[i++ % traces.size()];
    benchmark::DoNotOptimize(trace);
  }
}
BENCHMARK(BM_CopyTrace);

void BM_RedactJson(benchmark::State& state) {
  const auto& traces = DemoTraces();
  const Redactor& redactor = PolicyRedactor();
  RedactionCounts counts;
  size_t i = 0;
  for (auto _ : state) {
    nlohmann::ordered_json trace = traces[i++ % traces.size()];
    redactor.RedactJson(trace, counts);
    benchmark::DoNotOptimize(trace);
  }
  uint64_t placeholders = 0;
  for (const std::string& name : redactor.TypeNames()) placeholders += counts.Of(name);
  state.counters["placeholders_per_trace"] =
      benchmark::Counter(static_cast<double>(placeholders), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_RedactJson);

// One text of state.range(0) bytes of prose with an address, a card, a key-like token and
// look-alikes (a hex digest, an identifier, a Luhn-failing number) every ~300 bytes: the time
// per byte must stay flat as the text grows (no rule may rescan what it has passed).
void BM_RedactText(benchmark::State& state) {
  const std::string chunk =
      "The customer ana.perez@example.com asked about order 1234567812345678 and paid with "
      "4111 1111 1111 1111; commit 11f6ad8ec52a2984abaafd7c3b516503785c2072 touched "
      "getUserAccountById2FactorAuthV3 and the key VBtlJrJCHiPzczWHDcCa64KCktsYKqr3 leaked. "
      "See https://example.com/docs/v2 for details, version 1.2.3.4.5. ";
  std::string text;
  while (text.size() < static_cast<size_t>(state.range(0))) text += chunk;
  const Redactor& redactor = PolicyRedactor();
  RedactionCounts counts;
  for (auto _ : state) benchmark::DoNotOptimize(redactor.Redact(text, counts));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_RedactText)->RangeMultiplier(8)->Range(1 << 10, 1 << 20);

}  // namespace
}  // namespace arbiter

BENCHMARK_MAIN();
