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
using ::testing::Not;
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

std::vector<nlohmann::json> ReadLines(const std::filesystem::path& path) {
  std::vector<nlohmann::json> rows;
  std::istringstream lines(ReadFile(path));
  std::string line;
  while (std::getline(lines, line)) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

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

TEST(SampleCliTest, TracesThatRunRefusesAreReportedAndSkipped) {
  // sample once sampled these (and redact wrote the first three): traces without an id to
  // label or join them by, which `run` then refused.
  TempDir dir;
  auto policy = dir.Write("policy.yaml", "targets: {default: 10}\n");
  auto traces = dir.Write("t.jsonl",
                          "{\"input\":\"no id\"}\n"
                          "{\"trace_id\":7}\n"
                          "{\"trace_id\":\"\"}\n"
                          "{\"trace_id\":\"a\",\"input\":\"x\",\"trace_id\":\"b\"}\n"
                          "{\"trace_id\":\"c\",\"tool_calls\":\"nope\"}\n"
                          "{\"trace_id\":\"d\"}\n");
  auto out = dir.path() / "s.jsonl";
  auto sample = RunArbiter("sample --policy " + policy.string() + " --traces " + traces.string() +
                           " --out " + out.string());
  ASSERT_EQ(sample.exit_code, 0) << sample.err;
  EXPECT_THAT(sample.err, HasSubstr(":1: missing required field 'trace_id'"));
  EXPECT_THAT(sample.err, HasSubstr(":2: field 'trace_id' must be a string, got a number"));
  EXPECT_THAT(sample.err, HasSubstr(":3: field 'trace_id' is empty"));
  EXPECT_THAT(sample.err, HasSubstr(":4: field 'trace_id' appears more than once"));
  EXPECT_THAT(sample.err, HasSubstr(":5: field 'tool_calls' must be"));
  EXPECT_THAT(sample.err, HasSubstr("1 of 1 traces sampled"));
  EXPECT_THAT(sample.err, HasSubstr("5 skipped"));

  auto redacted = dir.path() / "r.jsonl";
  auto redact = RunArbiter("redact --traces " + traces.string() + " --out " + redacted.string());
  ASSERT_EQ(redact.exit_code, 0) << redact.err;
  EXPECT_THAT(redact.err, HasSubstr(":1: missing required field 'trace_id'"));
  EXPECT_THAT(redact.err, HasSubstr(":2: field 'trace_id' must be a string, got a number"));
  EXPECT_THAT(redact.err, HasSubstr(":3: field 'trace_id' is empty"));
  EXPECT_THAT(redact.err, HasSubstr(":4: field 'trace_id' appears more than once"));
  EXPECT_THAT(redact.err, HasSubstr("2 traces written"));  // c's tool_calls are run's business
}

TEST(SampleCliTest, MissingOutputFoldersAreCreated) {
  TempDir dir;
  auto policy = dir.Write("policy.yaml", "targets: {default: 3}\n");
  auto out = dir.path() / "out" / "nested" / "sample.jsonl";
  auto result = RunArbiter("sample --policy " + policy.string() + " --traces " + kDemoTraces +
                           " --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(ReadLines(out).size(), 3u);
  // A folder that cannot be made (a file is in the way) is a runtime error naming the output.
  dir.Write("blocked", "");
  auto blocked = RunArbiter("sample --policy " + policy.string() + " --traces " + kDemoTraces +
                            " --out " + (dir.path() / "blocked" / "s.jsonl").string());
  EXPECT_EQ(blocked.exit_code, 3);
  EXPECT_THAT(blocked.err, HasSubstr("s.jsonl: cannot create its folder"));
}

TEST(SampleCliTest, PolicyErrorsAreUsageErrors) {
  TempDir dir;
  auto policy = dir.Write("policy.yaml", "strata: [metadata.intent]\ntargets: {defualt: 3}\n");
  auto result = RunArbiter("sample --policy " + policy.string() + " --traces " + kDemoTraces +
                           " --out " + (dir.path() / "s.jsonl").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("policy.yaml:2:10: targets needs exactly one of 'default'"));
  auto missing =
      RunArbiter("sample --policy " + (dir.path() / "none.yaml").string() + " --traces " +
                 kDemoTraces + " --out " + (dir.path() / "s.jsonl").string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "s.jsonl"));
  auto help = RunArbiter("sample --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--seed"));
}

TEST(SampleCliTest, PlanPrintsTheStrataWithoutSampling) {
  TempDir dir;
  auto policy = dir.Write("policy.yaml", R"(strata: [metadata.intent]
targets: {half_width: 0.1, expected_rate: 0.2, budget: 300, "compliance": 54, "complience": 3}
failure: {any: ["status == 'error'", "feedback.thumbs == 'down'"]}
cost_per_trace: 0.01
)");
  auto plan_json = dir.path() / "plan.json";
  auto result = RunArbiter("sample --plan --policy " + policy.string() + " --traces " +
                           kDemoTraces + " --out " + plan_json.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // The demo's intents (README of datasets/demo): billing 207, compliance 54, partnership 5.
  EXPECT_THAT(result.out, HasSubstr("300 of 1000 traces, budget 300 (binds"));
  EXPECT_THAT(result.out, HasSubstr("| compliance | 54 |"));
  EXPECT_THAT(result.out, HasSubstr("Judge cost: 3 USD (300 traces at 0.01 USD each)"));
  EXPECT_THAT(result.out, HasSubstr("targets names stratum 'complience'"));
  auto plan = nlohmann::json::parse(ReadFile(plan_json));
  EXPECT_EQ(plan["total"], 300);
  std::map<std::string, nlohmann::json> strata;
  for (const auto& stratum : plan["strata"]) strata[stratum["stratum"]] = stratum;
  ASSERT_EQ(strata.size(), 11u);
  EXPECT_EQ(strata["billing"]["population"], 207);
  EXPECT_EQ(strata["billing"]["target"], 60);     // half-width 0.1 at 0.2: 60 traces
  EXPECT_EQ(strata["compliance"]["sample"], 54);  // named: funded first, in full
  EXPECT_EQ(strata["partnership"]["sample"], 2);  // the long tail keeps only its floor
  uint64_t total = 0;
  for (const auto& [key, stratum] : strata) {
    EXPECT_EQ(stratum["sample"],
              stratum["sample_failures"].get<int>() + stratum["sample_others"].get<int>());
    total += stratum["sample"].get<uint64_t>();
  }
  EXPECT_EQ(total, 300u);
  // A plan samples nothing, so no trace file and no focus state appear.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            2);
}

// At a terminal (a pseudo-terminal from util-linux `script`) the plan prints as plain columns,
// without Markdown's table pipes and escapes.
TEST(SampleCliTest, PlanAtATerminalIsPlainText) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no `script`";
  TempDir dir;
  auto policy = dir.Write(
      "policy.yaml", "strata: [metadata.intent]\ntargets: {default: 20}\ncost_per_trace: 0.01\n");
  const std::string log = (dir.path() / "tty.log").string();
  const std::string command = "script -qec '" + testing::ArbiterBin() + " sample --plan --policy " +
                              policy.string() + " --traces " + kDemoTraces + "' /dev/null >" + log;
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string text = ReadFile(log);
  EXPECT_THAT(text, HasSubstr("Sampling plan: "));
  EXPECT_THAT(text, Not(HasSubstr("# Sampling plan")));
  EXPECT_THAT(text, Not(HasSubstr("| compliance |")));
  EXPECT_THAT(text, HasSubstr("compliance "));
  EXPECT_THAT(text, HasSubstr("judge cost, USD"));
  EXPECT_THAT(text, HasSubstr(" USD each)"));
}

TEST(SampleCliTest, FocusRulesCollectAcrossRunsThenFallBack) {
  TempDir dir;
  // The demo has 9% Japanese traces (about 90 of 1000).
  auto policy = dir.Write("policy.yaml", R"(strata: [metadata.intent]
targets: {default: 5}
focus: [{name: ja, when: "metadata.language == 'ja'", collect: 60}]
)");
  std::string args =
      "sample --update-focus --policy " + policy.string() + " --traces " + kDemoTraces + " --out ";
  // Without --update-focus the state is only read: the same command gives the same bytes.
  std::string plain = "sample --policy " + policy.string() + " --traces " + kDemoTraces + " --out ";
  auto once = RunArbiter(plain + (dir.path() / "a.jsonl").string());
  auto twice = RunArbiter(plain + (dir.path() / "b.jsonl").string());
  ASSERT_EQ(once.exit_code, 0) << once.err;
  EXPECT_THAT(once.err, HasSubstr("not advanced (pass --update-focus"));
  EXPECT_EQ(ReadFile(dir.path() / "a.jsonl"), ReadFile(dir.path() / "b.jsonl"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "policy.focus-state.json"));
  auto first = RunArbiter(args + (dir.path() / "1.jsonl").string());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.err, HasSubstr("focus ja: 60 taken, 60 of 60 collected (done"));
  int focused = 0;
  for (const auto& trace : ReadLines(dir.path() / "1.jsonl")) {
    bool ja = trace["metadata"]["language"] == "ja";
    if (trace["_sample"].contains("focus")) {
      EXPECT_EQ(trace["_sample"]["focus"], "ja");
      EXPECT_TRUE(ja);
      EXPECT_GT(trace["_sample"]["weight"].get<double>(), 1.0);  // 60 of more than 60
      ++focused;
    } else {
      EXPECT_FALSE(ja) << "a Japanese trace outside the focus cell while it is active";
    }
  }
  EXPECT_EQ(focused, 60);
  auto state = nlohmann::json::parse(ReadFile(dir.path() / "policy.focus-state.json"));
  EXPECT_EQ(state["rules"]["ja"]["collected"], 60);

  // Collected: the second run leaves Japanese traces to their strata.
  auto second = RunArbiter(args + (dir.path() / "2.jsonl").string());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.err, HasSubstr("focus ja: 0 taken, 60 of 60 collected"));
  for (const auto& trace : ReadLines(dir.path() / "2.jsonl")) {
    EXPECT_FALSE(trace["_sample"].contains("focus"));
  }
  // A changed rule starts again.
  dir.Write("policy.yaml", R"(strata: [metadata.intent]
targets: {default: 5}
focus: [{name: ja, when: "metadata.language == 'ja' and status == 'ok'", collect: 10}]
)");
  auto third = RunArbiter(args + (dir.path() / "3.jsonl").string());
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_THAT(third.err, HasSubstr("focus ja: 10 taken, 10 of 10 collected"));
  // A corrupt state is an error, not a silent restart.
  dir.Write("policy.focus-state.json", "{oops");
  auto corrupt = RunArbiter(args + (dir.path() / "4.jsonl").string());
  EXPECT_EQ(corrupt.exit_code, 2);
  EXPECT_THAT(corrupt.err, HasSubstr("policy.focus-state.json: not a focus state file"));
}

TEST(SampleCliTest, FailuresFromAnEarlierRunAreOversampled) {
  TempDir dir;
  // An earlier run scored three demo traces below 0.5.
  dir.Write("run/scores.jsonl", R"({"trace_id": "t-000002", "evaluator": "judge", "score": 0.1}
{"trace_id": "t-000003", "evaluator": "judge", "score": 0.0}
{"trace_id": "t-000004", "evaluator": "judge", "score": 0.4}
{"trace_id": "t-000005", "evaluator": "judge", "score": 0.9}
)");
  auto policy = dir.Write("policy.yaml", R"(targets: {default: 10}
failure: {any: [{scores: run/scores.jsonl, evaluator: judge, below: 0.5}]}
)");
  auto out = dir.path() / "s.jsonl";
  auto result = RunArbiter("sample --policy " + policy.string() + " --traces " + kDemoTraces +
                           " --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::map<std::string, double> failures;
  for (const auto& trace : ReadLines(out)) {
    if (trace["_sample"]["failure"]) failures[trace["trace_id"]] = trace["_sample"]["weight"];
  }
  // 4*3 / (4*3 + 997) * 10 = 0.12 rounds to 0; the failure cell still gets one trace.
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(failures.count("t-000002") || failures.count("t-000003") ||
              failures.count("t-000004"));
  EXPECT_EQ(failures.begin()->second, 3.0);
}

}  // namespace
}  // namespace arbiter
