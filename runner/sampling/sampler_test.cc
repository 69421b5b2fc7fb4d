// The stratified sampler: target splits, weights, determinism and reservoir uniformity.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <simdjson.h>

#include "runner/sampling/policy.h"
#include "runner/sampling/policy_test_util.h"
#include "runner/sampling/sampler.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::Policy;

std::vector<SampledTrace> Sample(const SamplePolicy& policy, uint64_t seed,
                                 const std::vector<std::string>& traces) {
  StratifiedSampler sampler(policy, seed);
  simdjson::dom::parser parser;
  for (const std::string& json : traces) {
    simdjson::dom::element root = parser.parse(json);  // throws on bad test input
    EXPECT_TRUE(sampler.Offer(root, json).ok());
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

constexpr char kPolicy[] = R"(
strata: [metadata.intent]
targets: {default: 50, "b": 100}
failure: {any: ["status == 'error'"]}
failure_multiplier: 4
)";

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

std::string PolicyError(const std::string& yaml) {
  Result<SamplePolicy> policy = ParseSamplePolicy(yaml, "p.yaml");
  return policy.ok() ? std::string("(accepted)") : policy.status().message();
}

TEST(SamplePolicyTest, RejectsWhatItCannotHonorNamingTheLine) {
  using ::testing::HasSubstr;
  EXPECT_THAT(PolicyError("strata: [a]\n"), HasSubstr("targets must be a mapping"));
  EXPECT_THAT(PolicyError("targets: {\"billing\": 3}\n"), HasSubstr("exactly one of 'default'"));
  EXPECT_THAT(PolicyError("targets: {default: 5, half_width: 0.1}\n"), HasSubstr("exactly one of"));
  EXPECT_THAT(PolicyError("targets: {default: -1}\n"), HasSubstr("at least 0"));
  EXPECT_THAT(PolicyError("targets: {default: 5, expected_rate: 0.1}\n"),
              HasSubstr("expected_rate goes with half_width"));
  EXPECT_THAT(PolicyError("targets: {half_width: 0.1, expected_rate: 1}\n"),
              HasSubstr("expected_rate must be a number above 0 and below 1"));
  EXPECT_THAT(PolicyError("targets: {half_width: 0}\n"), HasSubstr("half_width must be"));
  EXPECT_THAT(PolicyError("targets: {default: 5, budget: 0}\n"), HasSubstr("targets.budget"));
  EXPECT_THAT(PolicyError("targets: {default: 5}\nfocus: ['a == 1']\n"),
              HasSubstr("p.yaml:2:9: a focus rule is"));
  EXPECT_THAT(
      PolicyError("targets: {default: 5}\nfocus: [{name: A, when: 'a == 1', collect: 3}]\n"),
      HasSubstr("[a-z0-9-]+"));
  EXPECT_THAT(
      PolicyError("targets: {default: 5}\nfocus: [{name: a, when: 'a == 1', collect: 0}]\n"),
      HasSubstr("collect must be an integer of at least 1"));
  EXPECT_THAT(
      PolicyError("targets: {default: 5}\nfocus:\n  - {name: a, when: 'x == 1', collect: 3}\n"
                  "  - {name: a, when: 'y == 1', collect: 3}\n"),
      HasSubstr("p.yaml:4:12: focus rule 'a' twice"));
  EXPECT_THAT(PolicyError("targets: {default: 5}\nfocus: [{name: a, when: 'x ==', collect: 3}]\n"),
              HasSubstr("p.yaml:2:"));
  EXPECT_THAT(PolicyError("targets: {default: 5}\nfailure_multiplier: 0.5\n"),
              HasSubstr("at least 1"));
  EXPECT_THAT(PolicyError("targets: {default: 5}\nstrata: [{latency_ms: [0, 100, 50]}]\n"),
              HasSubstr("p.yaml:2:32: bucket edges must be finite and ascending"));
  EXPECT_THAT(PolicyError("targets: {default: 5}\nstrata: [{latency_ms: 5}]\n"),
              HasSubstr("a bucketed stratum is"));
  EXPECT_THAT(PolicyError("targets: {default: 5}\nfailure: {any: [\"status ==\"]}\n"),
              HasSubstr("p.yaml:2"));
  EXPECT_THAT(PolicyError("targets: {default: 5}\nfailure: {any: [{scores: nope.jsonl, "
                          "evaluator: x, below: 0.5}]}\n"),
              HasSubstr("nope.jsonl"));
  EXPECT_THAT(PolicyError("targets: {default: 5}\nbudgett: 3\n"),
              HasSubstr("unknown key 'budgett'"));

  SamplePolicy good = Policy(kPolicy);
  EXPECT_EQ(good.TargetFor("b"), 100u);
  EXPECT_EQ(good.TargetFor("zzz"), 50u);
  EXPECT_EQ(good.failure_multiplier, 4);
}

std::string StratumKey(const SamplePolicy& policy, const std::string& json) {
  simdjson::dom::parser parser;
  std::string key;
  policy.StratumOf(parser.parse(json), key);
  return key;
}

TEST(SamplePolicyTest, NumericStrataFallIntoTheirBuckets) {
  SamplePolicy policy =
      Policy("strata: [metadata.intent, {latency_ms: [0, 1000, 5000]}]\ntargets: {default: 5}\n");
  auto key = [&](const std::string& latency) {
    return StratumKey(policy, R"({"metadata":{"intent":"billing"},"latency_ms":)" + latency + "}");
  };
  EXPECT_EQ(key("-1"), "billing|(-inf,0)");
  EXPECT_EQ(key("0"), "billing|[0,1000)");
  EXPECT_EQ(key("999.5"), "billing|[0,1000)");
  EXPECT_EQ(key("1000"), "billing|[1000,5000)");
  EXPECT_EQ(key("7000"), "billing|[5000,inf)");
  EXPECT_EQ(key("\"1500\""), "billing|[1000,5000)");  // 64-bit integers arrive as strings in OTLP
  EXPECT_EQ(key("\"slow\""), "billing|null");
  EXPECT_EQ(key("null"), "billing|null");
  EXPECT_EQ(StratumKey(policy, R"({"trace_id":"x"})"), "null|null");
  EXPECT_EQ(StratumKey(Policy("targets: {default: 5}\n"), R"({"trace_id":"x"})"), "all");
  SamplePolicy fractional = Policy("strata: [{score: [0.25, 0.5]}]\ntargets: {default: 5}\n");
  EXPECT_EQ(StratumKey(fractional, R"({"score":0.3})"), "[0.25,0.5)");
}

// Traces of intents a and b; every `ja_every`-th trace of a is in Japanese.
std::vector<std::string> FocusPopulation(int a, int b, int ja_every) {
  std::vector<std::string> traces;
  for (int i = 0; i < a + b; ++i) {
    bool in_a = i < a;
    std::string language = in_a && i % ja_every == 0 ? "ja" : "en";
    traces.push_back(R"({"trace_id":"t-)" + std::to_string(i) + R"(","metadata":{"intent":")" +
                     (in_a ? "a" : "b") + R"(","language":")" + language + R"("}})");
  }
  return traces;
}

std::vector<SampledTrace> SampleWithFocus(const SamplePolicy& policy, uint64_t collected,
                                          const std::vector<std::string>& traces) {
  StratifiedSampler sampler(policy, 3, {collected});
  simdjson::dom::parser parser;
  for (const std::string& json : traces) EXPECT_TRUE(sampler.Offer(parser.parse(json), json).ok());
  return sampler.Finish();
}

TEST(SamplerTest, FocusRuleTakesItsClusterUntilCollectedThenFallsBack) {
  SamplePolicy policy = Policy(R"(strata: [metadata.intent]
targets: {default: 10}
focus: [{name: ja, when: "metadata.language == 'ja'", collect: 30}]
)");
  auto traces = FocusPopulation(400, 300, 10);  // 40 Japanese traces, all in a
  auto count = [](const std::vector<SampledTrace>& sample, const std::string& focus,
                  const std::string& stratum) {
    std::pair<int, double> found{0, 0.0};
    for (const SampledTrace& trace : sample) {
      if (trace.focus != focus || trace.stratum != stratum) continue;
      ++found.first;
      found.second = trace.weight;
      EXPECT_EQ(focus == "ja", trace.json.find("\"ja\"") != std::string::npos) << trace.json;
    }
    return found;
  };
  // Nothing collected yet: 30 of the 40, each standing for 40/30; stratum a without them.
  auto first = SampleWithFocus(policy, 0, traces);
  EXPECT_EQ(count(first, "ja", "a"), std::make_pair(30, 40.0 / 30));
  EXPECT_EQ(count(first, "", "a"), std::make_pair(10, 360.0 / 10));
  EXPECT_EQ(count(first, "", "b"), std::make_pair(10, 300.0 / 10));
  // 25 collected earlier: 5 more.
  EXPECT_EQ(count(SampleWithFocus(policy, 25, traces), "ja", "a"), std::make_pair(5, 8.0));
  // Done: the Japanese traces are part of stratum a again.
  auto done = SampleWithFocus(policy, 30, traces);
  EXPECT_EQ(count(done, "ja", "a").first, 0);
  EXPECT_EQ(count(done, "", "a"), std::make_pair(10, 400.0 / 10));
  // A cluster smaller than what is left to collect is taken whole, weight 1.
  SamplePolicy big = Policy(R"(targets: {default: 10}
focus: [{name: ja, when: "metadata.language == 'ja'", collect: 100}]
)");
  EXPECT_EQ(count(SampleWithFocus(big, 0, traces), "ja", "all"), std::make_pair(40, 1.0));
}

TEST(SamplerTest, FailuresCanComeFromAnEarlierRunsScores) {
  testing::TempDir dir;
  dir.Write("run/scores.jsonl",
            R"({"trace_id": "t-1", "evaluator": "x", "version": 1, "score": 0.2, "pass": false}
{"trace_id": "t-2", "evaluator": "x", "version": 1, "score": 0.9, "pass": true}
{"trace_id": "t-3", "evaluator": "x", "version": 1, "score": null, "pass": null, "error": "boom"}
{"trace_id": "t-4", "evaluator": "y", "version": 1, "score": 0.0, "pass": false}
)");
  // The scores path is relative to the policy's folder.
  auto policy_file = dir.Write("policy.yaml", R"(targets: {default: 10}
failure: {any: [{scores: run/scores.jsonl, evaluator: x, below: 0.5}]}
)");
  Result<SamplePolicy> policy = LoadSamplePolicy(policy_file);
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  simdjson::dom::parser parser;
  auto failure = [&](const std::string& id) {
    return policy->IsFailure(parser.parse("{\"trace_id\":\"" + id + "\"}"));
  };
  EXPECT_TRUE(failure("t-1"));
  EXPECT_FALSE(failure("t-2"));
  EXPECT_FALSE(failure("t-3"));  // an error row is not a failure
  EXPECT_FALSE(failure("t-4"));  // another evaluator's score
  EXPECT_FALSE(failure("t-5"));

  dir.Write("bad.jsonl", "{\"trace_id\": \"t-1\", \"evaluator\": \"x\", \"score\": 0.1}\nnope\n");
  Result<SamplePolicy> bad = ParseSamplePolicy(
      "targets: {default: 1}\nfailure: {any: [{scores: bad.jsonl, evaluator: x, below: 1}]}\n",
      (dir.path() / "p.yaml").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              ::testing::HasSubstr("bad.jsonl:2: not JSON (expected a scores.jsonl row)"));
  Result<SamplePolicy> typo = ParseSamplePolicy(
      "targets: {default: 1}\nfailure: {any: [{scores: run/scores.jsonl, evaluator: z, below: "
      "1}]}\n",
      (dir.path() / "p.yaml").string());
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.status().message(), ::testing::HasSubstr("no score rows for evaluator 'z'"));
}

TEST(SamplerTest, AStratumPathWithAValuePerTraceStopsTheRunInsteadOfHoldingTheInput) {
  SamplePolicy policy = Policy("strata: [trace_id]\ntargets: {default: 1}\n");
  StratifiedSampler sampler(policy, 1);
  simdjson::dom::parser parser;
  Status status;
  size_t offered = 0;
  while (status.ok() && offered <= StratifiedSampler::kMaxStrata) {
    std::string json = R"({"trace_id":"t-)" + std::to_string(offered++) + R"("})";
    status = sampler.Offer(parser.parse(json), json);
  }
  EXPECT_EQ(offered, StratifiedSampler::kMaxStrata + 1);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(),
              ::testing::HasSubstr("more than 100000 strata (the last: 't-100000')"));
}

// Parts of a population merged through their partial samples draw what one sampler over all of
// it draws, whatever the cut and the budget: bottom-k reservoirs merge.
TEST(SamplerTest, PartsMergeIntoTheSampleOfTheWhole) {
  SamplePolicy policy = Policy(R"(
strata: [metadata.intent]
targets: {default: 50, "b": 100, budget: 120}
failure: {any: ["status == 'error'"]}
focus: [{name: b-errors, when: "metadata.intent == 'b' and status == 'error'", collect: 7}]
)");
  std::vector<std::string> traces =
      Population({{"a", {1000, 100}}, {"b", {300, 150}}, {"c", {20, 0}}});
  std::vector<SampledTrace> whole = Sample(policy, 3, traces);
  for (size_t parts : {1, 2, 5}) {
    StratifiedSampler merged(policy, 3);
    simdjson::dom::parser parser;
    for (size_t p = 0; p < parts; ++p) {
      StratifiedSampler part(policy, 3);
      for (size_t i = p; i < traces.size(); i += parts) {
        ASSERT_TRUE(part.Offer(parser.parse(traces[i]), traces[i]).ok());
      }
      StratifiedSampler::Partial partial = part.TakePartial();
      ASSERT_TRUE(merged.AddCounts(partial.strata, partial.focus_populations).ok());
      for (const std::string& json : partial.candidates) {
        ASSERT_TRUE(merged.OfferCandidate(parser.parse(json), json).ok());
      }
    }
    std::vector<SampledTrace> sample = merged.Finish();
    ASSERT_EQ(sample.size(), whole.size()) << parts;
    for (size_t i = 0; i < sample.size(); ++i) {
      EXPECT_EQ(sample[i].json, whole[i].json) << parts << " parts, trace " << i;
      EXPECT_EQ(sample[i].weight, whole[i].weight);
      EXPECT_EQ(sample[i].focus, whole[i].focus);
    }
  }
  // A candidate of a stratum no population counts is a corrupt part, not a new stratum.
  StratifiedSampler empty(policy, 3);
  simdjson::dom::parser parser;
  Status stray = empty.OfferCandidate(parser.parse(traces[0]), traces[0]);
  EXPECT_EQ(stray.code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace arbiter
