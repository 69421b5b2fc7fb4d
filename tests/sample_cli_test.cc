// `arbiter sample` end to end on the bundled demo traces.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

constexpr char kDemoTraces[] = "datasets/demo/traces.jsonl";  // 1000 traces

constexpr char kPolicy[] = R"(strata: [metadata.intent]
targets: {default: 20, "compliance": 40}
failure: {any: ["status == 'error'", "feedback.thumbs == 'down'"]}
failure_multiplier: 4
focus: []
)";

TEST(SampleCliTest, SamplesTheDemoWithWeightsThatAddUpToThePopulation) {
  TempDir dir;
  auto policy = dir.Write("policy.yaml", kPolicy);
  auto out = dir.path() / "sample.jsonl";
  std::string args =
      "sample --policy " + policy.string() + " --traces " + kDemoTraces + " --seed 5 --out ";
  auto result = RunArbiter(args + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("of 1000 traces sampled"));

  std::istringstream lines(ReadFile(out));
  std::string line;
  double weights = 0;
  std::map<std::string, int> per_stratum;
  int failures = 0;
  while (std::getline(lines, line)) {
    auto trace = nlohmann::json::parse(line);
    const auto& sample = trace.at("_sample");
    EXPECT_EQ(sample.at("stratum"), trace["metadata"]["intent"]);
    bool failure = trace["status"] == "error" || trace["feedback"]["thumbs"] == "down";
    EXPECT_EQ(sample.at("failure"), failure) << trace["trace_id"];
    EXPECT_GE(sample.at("weight").get<double>(), 1.0);
    weights += sample.at("weight").get<double>();
    ++per_stratum[sample.at("stratum")];
    failures += failure;
  }
  // Every demo cell is non-empty and gets at least one trace, so the weights stand for all 1000.
  EXPECT_NEAR(weights, 1000, 1e-6);
  EXPECT_EQ(per_stratum["billing"], 20);
  EXPECT_EQ(per_stratum["compliance"], 40);
  // partnership has 5 traces in the demo: fewer than its target, all taken.
  EXPECT_EQ(per_stratum["partnership"], 5);
  EXPECT_GT(failures, 0);

  auto again = RunArbiter(args + (dir.path() / "again.jsonl").string());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ReadFile(dir.path() / "again.jsonl"), ReadFile(out));
}

TEST(SampleCliTest, BrokenLinesAreReportedAndSkipped) {
  TempDir dir;
  auto policy = dir.Write("policy.yaml", "targets: {default: 10}\n");
  auto traces = dir.Write("t.jsonl", "{\"trace_id\":\"a\"}\n[1,2]\n{oops\n{\"trace_id\":\"b\"}\n");
  auto out = dir.path() / "s.jsonl";
  auto result = RunArbiter("sample --policy " + policy.string() + " --traces " + traces.string() +
                           " --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr(traces.string() + ":2: a trace must be a JSON object"));
  EXPECT_THAT(result.err, HasSubstr(traces.string() + ":3: not valid JSON"));
  EXPECT_THAT(result.err, HasSubstr("2 of 2 traces sampled"));
  EXPECT_THAT(result.err, HasSubstr("2 skipped"));
  EXPECT_THAT(ReadFile(out),
              HasSubstr(R"("_sample":{"stratum":"all","failure":false,"weight":1.0})"));
}

TEST(SampleCliTest, PolicyErrorsAreUsageErrors) {
  TempDir dir;
  auto policy = dir.Write("policy.yaml", "strata: [metadata.intent]\ntargets: {defualt: 3}\n");
  auto result = RunArbiter("sample --policy " + policy.string() + " --traces " + kDemoTraces +
                           " --out " + (dir.path() / "s.jsonl").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("targets.default is required"));
  auto missing =
      RunArbiter("sample --policy " + (dir.path() / "none.yaml").string() + " --traces " +
                 kDemoTraces + " --out " + (dir.path() / "s.jsonl").string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "s.jsonl"));
  auto help = RunArbiter("sample --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--seed"));
}

}  // namespace
}  // namespace arbiter
