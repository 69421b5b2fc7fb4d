// `arbiter sample` then `arbiter run` on the bundled demo: the scorecard's population figures,
// recomputed independently from scores.jsonl and the sample's weights, and checked against the
// pass rates of a run over all 1000 traces.
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

constexpr char kSuite[] = "evaluators/suites/demo.yaml";
constexpr char kTraces[] = "datasets/demo/traces.jsonl";

std::map<std::string, double> WeightsByTrace(const std::string& sample_path) {
  std::map<std::string, double> weights;
  std::istringstream lines(ReadFile(sample_path));
  for (std::string line; std::getline(lines, line);) {
    auto trace = nlohmann::json::parse(line);
    weights[trace.at("trace_id")] = trace.at("_sample").at("weight").get<double>();
  }
  return weights;
}

TEST(PopulationCliTest, SampledRunEstimatesTheFullRunsPassRates) {
  TempDir dir;
  auto sample = (dir.path() / "sample.jsonl").string();
  auto sampled = (dir.path() / "sampled").string(), full = (dir.path() / "full").string();
  auto made = RunArbiter("sample --policy datasets/demo/sample-policy.yaml --traces " +
                         std::string(kTraces) + " --seed 1 --out " + sample);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto run = RunArbiter("run --quiet --suite " + std::string(kSuite) + " --traces " + sample +
                        " --out " + sampled);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, ::testing::Not(HasSubstr("_sample")));  // no malformed or missing marks
  auto all = RunArbiter("run --quiet --suite " + std::string(kSuite) + " --traces " + kTraces +
                        " --out " + full);
  ASSERT_EQ(all.exit_code, 0) << all.err;

  // Hajek estimate from the rows: sum w * pass / sum w over the judged rows of each evaluator.
  std::map<std::string, double> weights = WeightsByTrace(sample);
  std::map<std::string, std::pair<double, double>> weighted;  // evaluator -> (sum w pass, sum w)
  std::istringstream rows(ReadFile(std::filesystem::path(sampled) / "scores.jsonl"));
  for (std::string line; std::getline(rows, line);) {
    auto row = nlohmann::json::parse(line);
    if (row["pass"].is_null()) continue;
    double w = weights.at(row["trace_id"]);
    auto& [passed, total] = weighted[row["evaluator"]];
    passed += row["pass"].get<bool>() ? w : 0;
    total += w;
  }

  auto card = nlohmann::json::parse(ReadFile(std::filesystem::path(sampled) / "scorecard.json"));
  auto truth = nlohmann::json::parse(ReadFile(std::filesystem::path(full) / "scorecard.json"));
  ASSERT_EQ(card["evaluators"].size(), truth["evaluators"].size());
  EXPECT_EQ(card["sample"]["malformed"], 0);
  EXPECT_EQ(card["sample"]["without_sample"], 0);
  for (size_t e = 0; e < card["evaluators"].size(); ++e) {
    const auto& entry = card["evaluators"][e];
    const std::string id = entry["id"];
    ASSERT_EQ(truth["evaluators"][e]["id"], id);
    ASSERT_TRUE(entry["population_pass_rate"].is_number()) << id;
    ASSERT_TRUE(entry["population_pass_rate_ci95"].is_array()) << id;
    auto [passed, total] = weighted.at(id);
    EXPECT_NEAR(entry["population_pass_rate"].get<double>(), passed / total, 5e-5 + 1e-12) << id;
    EXPECT_LE(entry["population_pass_rate_ci95"][0], entry["population_pass_rate"]) << id;
    EXPECT_GE(entry["population_pass_rate_ci95"][1], entry["population_pass_rate"]) << id;
  }

  std::string markdown = ReadFile(std::filesystem::path(sampled) / "scorecard.md");
  EXPECT_THAT(markdown, HasSubstr("population pass rate (95%)"));
}

// One sample gives ten correlated 95% intervals, so a single seed says little about coverage
// (seed 1 puts 7 of 10 around the truth, most seeds 10). Ten seeds, fixed before the first run,
// give 100 intervals: about 95 should hold the full run's pass rate.
TEST(PopulationCliTest, PopulationIntervalsHoldTheFullRunsPassRatesOverSeeds) {
  TempDir dir;
  auto full = (dir.path() / "full").string();
  auto all = RunArbiter("run --quiet --suite " + std::string(kSuite) + " --traces " + kTraces +
                        " --out " + full);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  auto truth = nlohmann::json::parse(ReadFile(std::filesystem::path(full) / "scorecard.json"));
  int inside = 0, inside_plain = 0, intervals = 0;
  for (int seed = 1; seed <= 10; ++seed) {
    auto sample = (dir.path() / "sample.jsonl").string();
    auto sampled = (dir.path() / "sampled").string();
    auto made =
        RunArbiter("sample --policy datasets/demo/sample-policy.yaml --traces " +
                   std::string(kTraces) + " --seed " + std::to_string(seed) + " --out " + sample);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    auto run = RunArbiter("run --quiet --suite " + std::string(kSuite) + " --traces " + sample +
                          " --out " + sampled);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto card = nlohmann::json::parse(ReadFile(std::filesystem::path(sampled) / "scorecard.json"));
    for (size_t e = 0; e < card["evaluators"].size(); ++e) {
      const auto& entry = card["evaluators"][e];
      double rate = truth["evaluators"][e]["pass_rate"];
      inside += entry["population_pass_rate_ci95"][0] <= rate &&
                rate <= entry["population_pass_rate_ci95"][1];
      inside_plain += entry["pass_rate_ci95"][0] <= rate && rate <= entry["pass_rate_ci95"][1];
      ++intervals;
    }
  }
  std::printf("full-run pass rate inside %d of %d population intervals, %d of the plain ones\n",
              inside, intervals, inside_plain);
  ASSERT_EQ(intervals, 100);
  EXPECT_GE(inside, 90);
  // The plain intervals of the failure-oversampled samples are biased low: far fewer hold it.
  EXPECT_LE(inside_plain, 80);
}

TEST(PopulationCliTest, MalformedSampleMarkIsReportedWithFileAndLine) {
  TempDir dir;
  auto traces = dir.Write("t.jsonl",
                          "{\"trace_id\": \"a\", \"output\": \"x\", \"_sample\": {\"stratum\": "
                          "\"s\", \"failure\": false, \"weight\": 4}}\n"
                          "{\"trace_id\": \"b\", \"output\": \"y\", \"_sample\": {\"failure\": "
                          "false, \"weight\": 4}}\n"
                          "{\"trace_id\": \"c\", \"output\": \"z\"}\n");
  auto run = RunArbiter("run --quiet --suite " + std::string(kSuite) + " --traces " +
                        traces.string() + " --out " + (dir.path() / "out").string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr(traces.string() +
                                 ":2: _sample: missing 'stratum' (trace scored, left out of "
                                 "population_pass_rate)"));
  EXPECT_THAT(run.err, HasSubstr("1 traces have no _sample among sampled ones"));
  auto card = nlohmann::json::parse(ReadFile(dir.path() / "out" / "scorecard.json"));
  EXPECT_EQ(card["traces"], 3);
  EXPECT_EQ(card["sample"]["malformed"], 1);
  EXPECT_EQ(card["sample"]["without_sample"], 1);
}

}  // namespace
}  // namespace arbiter
