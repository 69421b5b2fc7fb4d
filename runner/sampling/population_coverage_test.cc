// Coverage of the population pass rate's 95% interval over repeated stratified,
// failure-oversampled samples of one synthetic population whose pass rate is known exactly.
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "runner/sampling/policy.h"
#include "runner/sampling/sampler.h"
#include "runner/stats/population_estimate.h"
#include "runner/stats/stats.h"
#include "runner/trace/sample_mark.h"

namespace arbiter {
namespace {

// One stratum of a population: its size, how many traces are errors and thumbs-down (the
// sampler's failure signal), and how many of each kind pass the evaluator.
struct Stratum {
  const char* intent;
  int size;
  int errors, errors_passing;
  int downs, downs_passing;
  int others_passing;  // of size - errors - downs
};

// Failures fail far more often than the others, so oversampling them drags the plain sample
// rate down: true rate 0.7978.
const std::vector<Stratum> kMidRate = {
    {"billing", 4000, 320, 80, 200, 90, 3400},  // others: 3480
    {"refund", 2500, 375, 75, 125, 40, 1810},   // others: 2000
    {"tech", 1500, 375, 38, 75, 30, 840},       // others: 1050
    {"account", 700, 35, 14, 28, 14, 604},      // others: 637
    {"compliance", 300, 90, 5, 15, 3, 137},     // others: 195
};
// Near 1 (0.9894) and near 0 (0.0181, where failures pass more often than the others): where
// a Wald interval collapses onto the estimate.
const std::vector<Stratum> kNearOne = {
    {"billing", 4000, 320, 300, 200, 190, 3470}, {"refund", 2500, 375, 360, 125, 120, 1995},
    {"tech", 1500, 375, 350, 75, 74, 1049},      {"account", 700, 35, 34, 28, 28, 637},
    {"compliance", 300, 90, 88, 15, 15, 195},
};
const std::vector<Stratum> kNearZero = {
    {"billing", 4000, 320, 30, 200, 10, 20}, {"refund", 2500, 375, 20, 125, 5, 10},
    {"tech", 1500, 375, 40, 75, 3, 5},       {"account", 700, 35, 5, 28, 1, 2},
    {"compliance", 300, 90, 10, 15, 1, 1},
};

constexpr char kPolicy[] = R"(
strata: [metadata.intent]
targets: {default: 60, "compliance": 80}
failure: {any: ["status == 'error'", "feedback.thumbs == 'down'"]}
failure_multiplier: 4
)";

// The evaluator's verdict is carried in the trace itself (`metadata.pass`), so the test measures
// the estimator, not a plugin.
std::vector<std::string> Population(const std::vector<Stratum>& strata, int& passes) {
  std::vector<std::string> traces;
  passes = 0;
  int id = 0;
  for (const Stratum& s : strata) {
    for (int i = 0; i < s.size; ++i) {
      bool error = i < s.errors, down = !error && i < s.errors + s.downs;
      int rank = error ? i : down ? i - s.errors : i - s.errors - s.downs;
      bool pass = rank < (error ? s.errors_passing : down ? s.downs_passing : s.others_passing);
      passes += pass;
      traces.push_back(std::string(R"({"trace_id":"t-)") + std::to_string(id++) +
                       R"(","status":")" + (error ? "error" : "ok") +
                       R"(","feedback":{"thumbs":")" + (down ? "down" : "up") +
                       R"("},"metadata":{"intent":")" + s.intent + R"(","pass":)" +
                       (pass ? "true" : "false") + "}}");
    }
  }
  return traces;
}

struct Coverage {
  double truth = 0;
  int weighted = 0, unweighted = 0;  // repetitions whose interval covers the truth
  double weighted_mean = 0, unweighted_mean = 0;
};

constexpr int kRepetitions = 100;

// Samples the population with seeds 1..kRepetitions and counts the 95% intervals covering its
// pass rate: the population estimate's, and the plain Wilson interval of the same sample's.
Coverage Measure(const std::vector<Stratum>& strata) {
  Coverage out;
  Result<SamplePolicy> policy = ParseSamplePolicy(kPolicy, "policy.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status().message();
  if (!policy.ok()) return out;
  int population_passes = 0;
  const std::vector<std::string> population = Population(strata, population_passes);
  out.truth = static_cast<double>(population_passes) / population.size();
  simdjson::dom::parser parser;
  for (int seed = 1; seed <= kRepetitions; ++seed) {
    StratifiedSampler sampler(*policy, seed);
    for (const std::string& json : population) sampler.Offer(parser.parse(json), json);
    std::map<std::string, PopulationCell> cells;
    int passes = 0, n = 0;
    for (const SampledTrace& trace : sampler.Finish()) {
      bool pass = trace.json.find(R"("pass":true)") != std::string::npos;
      cells[SampleCellKey(trace.stratum, trace.failure, "")].Add(trace.weight, true, pass);
      passes += pass;
      ++n;
    }
    std::vector<PopulationCell> list;
    for (const auto& [key, cell] : cells) list.push_back(cell);
    std::optional<PopulationRate> weighted = PopulationRateOf(list);
    EXPECT_TRUE(weighted.has_value());
    if (!weighted) return out;
    out.weighted += weighted->low <= out.truth && out.truth <= weighted->high;
    out.weighted_mean += weighted->rate / kRepetitions;
    auto [low, high] = WilsonInterval(passes, n);
    out.unweighted += low <= out.truth && out.truth <= high;
    out.unweighted_mean += static_cast<double>(passes) / n / kRepetitions;
  }
  std::printf(
      "true rate %.4f; 95%% intervals covering it in %d repetitions: weighted %d, "
      "unweighted %d; mean estimate weighted %.4f, unweighted %.4f\n",
      out.truth, kRepetitions, out.weighted, out.unweighted, out.weighted_mean,
      out.unweighted_mean);
  return out;
}

TEST(PopulationCoverageTest, WeightedIntervalCoversTheTrueRateUnweightedMissesIt) {
  Coverage coverage = Measure(kMidRate);
  EXPECT_GE(coverage.weighted, 93);
  EXPECT_LE(coverage.unweighted, 20);
  // The weighted estimate is (nearly) unbiased: its mean over 100 samples is within about three
  // standard errors of the truth.
  EXPECT_NEAR(coverage.weighted_mean, coverage.truth, 0.01);
}

TEST(PopulationCoverageTest, CoversNearOne) {
  Coverage coverage = Measure(kNearOne);
  EXPECT_GE(coverage.weighted, 93);
  EXPECT_NEAR(coverage.weighted_mean, coverage.truth, 0.005);
}

TEST(PopulationCoverageTest, CoversNearZero) {
  Coverage coverage = Measure(kNearZero);
  EXPECT_GE(coverage.weighted, 93);
  EXPECT_LE(coverage.unweighted, 20);
  EXPECT_NEAR(coverage.weighted_mean, coverage.truth, 0.005);
}

}  // namespace
}  // namespace arbiter
