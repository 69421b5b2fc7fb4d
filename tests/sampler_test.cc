// The stratified sampler: target splits, weights, determinism and reservoir uniformity.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <simdjson.h>

#include "runner/sample_policy.h"
#include "runner/sampler.h"

namespace arbiter {
namespace {

SamplePolicy Policy(const std::string& yaml) {
  Result<SamplePolicy> policy = ParseSamplePolicy(yaml, "policy.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status().message();
  return policy.ok() ? *policy : SamplePolicy{};
}

std::vector<SampledTrace> Sample(const SamplePolicy& policy, uint64_t seed,
                                 const std::vector<std::string>& traces) {
  StratifiedSampler sampler(policy, seed);
  simdjson::dom::parser parser;
  for (const std::string& json : traces) {
    simdjson::dom::element root = parser.parse(json);  // throws on bad test input
    sampler.Offer(root, json);
  }
  return sampler.Finish();
}

// Synthetic population: per intent a size and a number of errors.
std::vector<std::string> Population(const std::map<std::string, std::pair<int, int>>& sizes) {
  std::vector<std::string> traces;
  int id = 0;
  for (const auto& [intent, size_errors] : sizes) {
    for (int i = 0; i < size_errors.first; ++i) {
      traces.push_back(R"({"trace_id":"t-)" + std::to_string(id++) + R"(","status":")" +
                       (i < size_errors.second ? "error" : "ok") + R"(","metadata":{"intent":")" +
                       intent + R"("}})");
    }
  }
  return traces;
}

std::pair<uint64_t, uint64_t> Split(uint64_t failures, uint64_t others) {
  return {failures, others};
}

constexpr char kPolicy[] = R"(
strata: [metadata.intent]
targets: {default: 50, "b": 100}
failure: {any: ["status == 'error'"]}
failure_multiplier: 4
)";

TEST(SplitTargetTest, OversamplesFailuresAndFillsShortCells) {
  // Hand-computed: 4*50 / (4*50 + 950) * 100 = 17.39 -> 17 failures, 83 others.
  EXPECT_EQ(SplitTarget(100, 50, 950, 4), Split(17, 83));
  // Everything fits: all of both cells.
  EXPECT_EQ(SplitTarget(100, 30, 40, 4), Split(30, 40));
  // 4*10 / (40 + 20) * 25 = 16.7 -> 17, but only 10 failures: the other 15 go to the others.
  EXPECT_EQ(SplitTarget(25, 10, 20, 4), Split(10, 15));
  // 1*100 / 102 * 50 = 49.02 -> 49 failures; 1 other.
  EXPECT_EQ(SplitTarget(50, 100, 2, 1), Split(49, 1));
  EXPECT_EQ(SplitTarget(0, 10, 10, 4), Split(0, 0));
}

TEST(SamplerTest, WeightsSumToEachCellsPopulation) {
  // a: 1000 traces, 100 errors; b: 300, 150 errors; c: 20, none (fewer than its target).
  SamplePolicy policy = Policy(kPolicy);
  auto sample =
      Sample(policy, 7, Population({{"a", {1000, 100}}, {"b", {300, 150}}, {"c", {20, 0}}}));
  std::map<std::pair<std::string, bool>, double> weight_sum;
  std::map<std::pair<std::string, bool>, int> count;
  for (const SampledTrace& trace : sample) {
    weight_sum[{trace.stratum, trace.failure}] += trace.weight;
    ++count[{trace.stratum, trace.failure}];
    bool is_error = trace.json.find("\"error\"") != std::string::npos;
    EXPECT_EQ(trace.failure, is_error);
    EXPECT_NE(trace.json.find("\"intent\":\"" + trace.stratum + "\""), std::string::npos);
  }
  const std::map<std::pair<std::string, bool>, double> population = {{{"a", true}, 100},
                                                                     {{"a", false}, 900},
                                                                     {{"b", true}, 150},
                                                                     {{"b", false}, 150},
                                                                     {{"c", false}, 20}};
  ASSERT_EQ(weight_sum.size(), population.size());
  for (const auto& [cell, size] : population) EXPECT_NEAR(weight_sum[cell], size, 1e-9);
  // Counts from SplitTarget by hand: a: 400/1300*50 = 15.4 -> 15 failures + 35; b: 600/750*100
  // = 80 + 20; c: all 20.
  EXPECT_EQ(count[std::make_pair(std::string("a"), true)], 15);
  EXPECT_EQ(count[std::make_pair(std::string("a"), false)], 35);
  EXPECT_EQ(count[std::make_pair(std::string("b"), true)], 80);
  EXPECT_EQ(count[std::make_pair(std::string("b"), false)], 20);
  EXPECT_EQ(count[std::make_pair(std::string("c"), false)], 20);
}

TEST(SamplerTest, DeterministicForASeedWhateverTheInputOrder) {
  SamplePolicy policy = Policy(kPolicy);
  auto traces = Population({{"a", {500, 40}}, {"b", {200, 20}}});
  auto first = Sample(policy, 42, traces);
  std::mt19937 shuffle(3);
  std::shuffle(traces.begin(), traces.end(), shuffle);
  auto shuffled = Sample(policy, 42, traces);
  auto other_seed = Sample(policy, 43, traces);
  auto texts = [](const std::vector<SampledTrace>& sample) {
    std::vector<std::string> out;
    for (const SampledTrace& trace : sample) out.push_back(trace.json);
    return out;
  };
  EXPECT_EQ(texts(first), texts(shuffled));
  EXPECT_NE(texts(first), texts(other_seed));
}

// Inclusion counts of n traces over `seeds` samples of k drawn without replacement: each has
// mean N*p with p = k/n, and the counts' covariance is N p (1-p) n/(n-1) (I - J/n), so
// sum (o - e)^2 / (e (1-p) n/(n-1)) is chi-square with n-1 degrees of freedom.
double InclusionChiSquare(const std::vector<int>& counts, int seeds, int k) {
  const double n = static_cast<double>(counts.size());
  const double p = k / n, expected = seeds * p;
  double statistic = 0;
  for (int observed : counts) statistic += (observed - expected) * (observed - expected) / expected;
  return statistic / ((1 - p) * n / (n - 1));
}

// The 0.999 quantile of chi-square with 19 degrees of freedom (NIST/SEMATECH e-Handbook of
// Statistical Methods, table 1.3.6.7.4).
constexpr double kChiSquare19At999 = 43.820;

TEST(SamplerTest, ReservoirIsUniformOverSeeds) {
  // 20 traces in one cell, 5 kept, 4000 seeds.
  SamplePolicy policy = Policy("targets: {default: 5}\n");
  auto traces = Population({{"a", {20, 0}}});
  std::map<std::string, int> included;
  const int seeds = 4000;
  for (int seed = 0; seed < seeds; ++seed) {
    auto sample = Sample(policy, seed, traces);
    ASSERT_EQ(sample.size(), 5u);
    for (const SampledTrace& trace : sample) ++included[trace.json];
  }
  std::vector<int> counts;
  for (const std::string& trace : traces) counts.push_back(included[trace]);
  EXPECT_LT(InclusionChiSquare(counts, seeds, 5), kChiSquare19At999);
}

TEST(SamplerTest, ChiSquareDetectsAMildlySkewedSampler) {
  // The test above has power: one trace included 25% more often than expected (1250 against
  // 987 for each other; statistic 83.3 by hand) is rejected.
  std::vector<int> counts(20, 987);
  counts[0] = 1250;
  EXPECT_GT(InclusionChiSquare(counts, 4000, 5), kChiSquare19At999);
}

TEST(SamplePolicyTest, RejectsWhatItCannotHonor) {
  EXPECT_FALSE(ParseSamplePolicy("targets: {half_width: 0.05}\n", "p.yaml").ok());
  EXPECT_FALSE(ParseSamplePolicy("strata: [a]\n", "p.yaml").ok());  // no targets.default
  EXPECT_FALSE(ParseSamplePolicy("targets: {default: -1}\n", "p.yaml").ok());
  EXPECT_FALSE(ParseSamplePolicy("targets: {default: 5}\nfocus: ['a == 1']\n", "p.yaml").ok());
  EXPECT_FALSE(
      ParseSamplePolicy("targets: {default: 5}\nfailure_multiplier: 0.5\n", "p.yaml").ok());
  Result<SamplePolicy> bad_condition =
      ParseSamplePolicy("targets: {default: 5}\nfailure: {any: [\"status ==\"]}\n", "p.yaml");
  ASSERT_FALSE(bad_condition.ok());
  EXPECT_NE(bad_condition.status().message().find("p.yaml:2"), std::string::npos)
      << bad_condition.status().message();
  Result<SamplePolicy> good = ParseSamplePolicy(kPolicy, "p.yaml");
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(good->TargetFor("b"), 100u);
  EXPECT_EQ(good->TargetFor("zzz"), 50u);
  EXPECT_EQ(good->failure_multiplier, 4);
}

}  // namespace
}  // namespace arbiter
