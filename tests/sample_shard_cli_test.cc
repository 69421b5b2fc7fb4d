// `arbiter sample --shard I/N` / `--partial` and `arbiter sample --merge` with the real binary:
// the merge of the parts writes the bytes one sample over all the inputs writes (the sample, and
// the plan), whether the inputs are cut by shard or split by a hash of trace_id (the model of
// several `serve` instances behind a traceID load balancer); the focus state moves once, from the
// merge; and every set of parts that would not give that sample is refused, naming why.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

constexpr char kDemo[] = "datasets/demo/traces.jsonl";
// Strata by intent, failures oversampled 4x.
constexpr char kPolicy[] = "datasets/demo/sample-policy.yaml";
// Strata by intent and latency bucket, a budget that binds, a focus rule.
constexpr char kBudgetPolicy[] = "datasets/demo/sample-policy-budget.yaml";

class SampleShardCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path gz = dir_.path() / "traces.jsonl.gz";
    ASSERT_EQ(std::system(("gzip -c " + std::string(kDemo) + " > " + gz.string()).c_str()), 0);
    // A plain file cut in byte ranges, a gzip file and an OTLP file each read whole.
    inputs_ = std::string(kDemo) + " " + gz.string() + " datasets/demo/traces.otlp.jsonl";
  }

  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }

  // `sample` with `policy`, a focus state of this test's own and `extra`.
  CommandResult Sample(const std::string& policy, const std::string& extra) {
    return RunArbiter("sample --policy " + policy + " --focus-state " + Path("focus.json") + " " +
                      extra);
  }

  // The N shards of `inputs_`, in reverse order, then their merge into `out`.
  void ShardAndMerge(const std::string& policy, int count, const std::string& seed,
                     const std::string& out, const std::string& merge_extra = "") {
    std::string parts;
    for (int index = count - 1; index >= 0; --index) {
      std::string part = Path("part-" + std::to_string(index) + "-of-" + std::to_string(count));
      auto sharded =
          Sample(policy, "-t " + inputs_ + " --seed " + seed + " -o " + part + " --shard " +
                             std::to_string(index) + "/" + std::to_string(count));
      ASSERT_EQ(sharded.exit_code, 0) << sharded.err;
      EXPECT_THAT(sharded.err, HasSubstr("partial sample (shard"));
      parts += part + " ";
    }
    auto merged = Sample(policy, "--merge " + parts + "-o " + out + " " + merge_extra);
    ASSERT_EQ(merged.exit_code, 0) << merged.err;
    merge_out_ = merged.out;
  }

  TempDir dir_;
  std::string inputs_;
  std::string merge_out_;  // the last merge's standard output
};

TEST_F(SampleShardCliTest, MergedShardsWriteTheBytesOfOneSample) {
  for (const char* policy : {kPolicy, kBudgetPolicy}) {
    auto whole = Sample(policy, "-t " + inputs_ + " --seed 7 -o " + Path("whole.jsonl"));
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    const std::string expected = ReadFile(Path("whole.jsonl"));
    ASSERT_THAT(expected, HasSubstr("\"failure\":true"));
    if (std::string(policy) == kBudgetPolicy) {
      ASSERT_THAT(expected, HasSubstr("\"focus\":\"japanese\""));
      ASSERT_THAT(whole.err, HasSubstr("budget of 400 binds"));
    }
    for (int count : {1, 3, 4}) {
      std::string merged = Path("merged-" + std::to_string(count) + ".jsonl");
      ShardAndMerge(policy, count, "7", merged);
      EXPECT_EQ(ReadFile(merged), expected) << policy << ", " << count << " shards";
    }
  }
}

TEST_F(SampleShardCliTest, MergedPlanIsThePlanOfOneSample) {
  auto whole = Sample(kBudgetPolicy, "-t " + inputs_ + " --plan -o " + Path("whole-plan.json"));
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  ShardAndMerge(kBudgetPolicy, 3, "1", Path("merged-plan.json"), "--plan");
  EXPECT_EQ(ReadFile(Path("merged-plan.json")), ReadFile(Path("whole-plan.json")));
  EXPECT_EQ(merge_out_, whole.out);  // the Markdown plan
}

// A stand-in for the OpenTelemetry Collector's loadbalancing exporter (routing_key: traceID):
// each trace goes whole to the file of one of `count` instances by a hash of its trace_id.
std::vector<std::string> SplitByTraceId(const std::string& input, int count, const TempDir& dir) {
  std::vector<std::ofstream> files;
  std::vector<std::string> paths;
  for (int i = 0; i < count; ++i) {
    paths.push_back((dir.path() / ("instance-" + std::to_string(i) + ".jsonl")).string());
    files.emplace_back(paths.back(), std::ios::binary);
  }
  std::istringstream lines(ReadFile(input));
  std::string line;
  while (std::getline(lines, line)) {
    uint64_t hash = 1469598103934665603ull;  // FNV-1a of the trace id
    for (char c : nlohmann::json::parse(line).at("trace_id").get<std::string>()) {
      hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    files[hash % count] << line << '\n';
  }
  return paths;
}

TEST_F(SampleShardCliTest, InstancesFedByATraceIdSplitterMergeToOneInstance) {
  std::vector<std::string> instances = SplitByTraceId(kDemo, 3, dir_);
  for (const char* policy : {kPolicy, kBudgetPolicy}) {
    auto whole = Sample(policy, std::string("-t ") + kDemo + " --seed 11 -o " + Path("one.jsonl"));
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    std::string parts;
    for (size_t i = 0; i < instances.size(); ++i) {
      std::string part = Path("instance-" + std::to_string(i) + ".partial.jsonl");
      auto sampled = Sample(policy, "-t " + instances[i] + " --seed 11 --partial -o " + part);
      ASSERT_EQ(sampled.exit_code, 0) << sampled.err;
      EXPECT_THAT(sampled.err, HasSubstr("partial sample (part)"));
      parts += part + " ";
    }
    auto merged = Sample(policy, "--merge " + parts + "-o " + Path("merged.jsonl"));
    ASSERT_EQ(merged.exit_code, 0) << merged.err;
    EXPECT_THAT(merged.err, HasSubstr("merged 3 partial samples"));
    EXPECT_EQ(ReadFile(Path("merged.jsonl")), ReadFile(Path("one.jsonl"))) << policy;
  }
}

TEST_F(SampleShardCliTest, TheMergeMovesTheFocusStateOnceAsOneSampleWould) {
  // One sample with --update-focus, from an empty state...
  auto whole = Sample(kBudgetPolicy, "-t " + inputs_ + " --update-focus -o " + Path("w.jsonl"));
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const std::string after_one = ReadFile(Path("focus.json"));
  ASSERT_THAT(after_one, HasSubstr("\"collected\": 30"));
  fs::remove(Path("focus.json"));
  // ...and shards, which leave the state alone, merged with --update-focus: the same state.
  auto refused =
      Sample(kBudgetPolicy, "-t " + inputs_ + " --update-focus --shard 0/2 -o " + Path("x.jsonl"));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("pass --update-focus to --merge"));
  ShardAndMerge(kBudgetPolicy, 2, "1", Path("m.jsonl"), "--update-focus");
  EXPECT_EQ(ReadFile(Path("m.jsonl")), ReadFile(Path("w.jsonl")));
  EXPECT_EQ(ReadFile(Path("focus.json")), after_one);
  // The state has moved since the parts were drawn: moving it again would count twice.
  auto again = Sample(kBudgetPolicy, "--merge " + Path("part-0-of-2") + " " + Path("part-1-of-2") +
                                         " --update-focus -o " + Path("m2.jsonl"));
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("focus japanese has collected 30 since the partial samples "
                                   "were drawn at 0"));
  EXPECT_FALSE(fs::exists(Path("m2.jsonl")));
}

TEST_F(SampleShardCliTest, RefusesSetsThatAreNotOneSample) {
  auto part = [&](const std::string& name, const std::string& extra,
                  const std::string& policy = kPolicy) {
    auto sampled = Sample(policy, "-o " + Path(name) + " " + extra);
    EXPECT_EQ(sampled.exit_code, 0) << sampled.err;
  };
  part("a0", "-t " + inputs_ + " --shard 0/2");
  part("a1", "-t " + inputs_ + " --shard 1/2");
  auto refused = [&](const std::string& parts, const std::string& extra = "") {
    auto merged = Sample(kPolicy, "--merge " + parts + " -o " + Path("refused") + " " + extra);
    EXPECT_EQ(merged.exit_code, 2) << parts;
    EXPECT_FALSE(fs::exists(Path("refused")));
    return merged.err;
  };
  EXPECT_THAT(refused(Path("a0")), HasSubstr("incomplete set: shard 1 of 2 missing"));
  fs::copy(Path("a0"), Path("a0-copy"));
  EXPECT_THAT(refused(Path("a0") + " " + Path("a0-copy") + " " + Path("a1")),
              HasSubstr("overlapping shards"));
  EXPECT_THAT(refused(Path("a0") + " " + std::string(kDemo)),
              HasSubstr(std::string(kDemo) + ": not a partial sample"));
  ASSERT_EQ(Sample(kPolicy, "-t " + inputs_ + " -o " + Path("whole")).exit_code, 0);
  EXPECT_THAT(refused(Path("a0") + " " + Path("whole")),
              HasSubstr(Path("whole") + ": a whole sample, not a partial one"));
  EXPECT_THAT(refused(Path("a0") + " " + Path("nope")), HasSubstr("nope: no such partial sample"));
  part("s1", "-t " + inputs_ + " --shard 1/2 --seed 9");
  EXPECT_THAT(refused(Path("a0") + " " + Path("s1")), HasSubstr("--seed 1 against 9"));
  EXPECT_THAT(refused(Path("a0") + " " + Path("a1"), "--seed 9"),
              HasSubstr("the partial samples were drawn with --seed 1"));
  part("p1", "-t " + inputs_ + " --shard 1/2", kBudgetPolicy);
  EXPECT_THAT(refused(Path("a0") + " " + Path("p1")),
              HasSubstr(Path("p1") + ": drawn with another policy"));
  part("c1", "-t " + inputs_ + " --shard 1/3");
  EXPECT_THAT(refused(Path("a0") + " " + Path("c1")), HasSubstr("different shard counts"));
  part("d1", std::string("-t ") + kDemo + " --shard 1/2");
  EXPECT_THAT(refused(Path("a0") + " " + Path("d1")), HasSubstr("different input sets"));
  part("e", std::string("-t ") + kDemo + " --partial");
  EXPECT_THAT(refused(Path("a0") + " " + Path("e")), HasSubstr("the other a part cut otherwise"));
  EXPECT_THAT(refused(Path("e") + " " + Path("e")), HasSubstr("both read " + std::string(kDemo)));
  // A part cut short is noticed, not merged into a smaller sample.
  std::string text = ReadFile(Path("a1"));
  std::ofstream(Path("a1-cut"), std::ios::binary)
      << text.substr(0, text.rfind('\n', text.size() - 2) + 1);
  EXPECT_THAT(refused(Path("a0") + " " + Path("a1-cut")), HasSubstr("(cut short?)"));
}

TEST_F(SampleShardCliTest, RefusesFlagsThatDoNotGoTogether) {
  auto usage = [&](const std::string& args) {
    auto result = Sample(kPolicy, args);
    EXPECT_EQ(result.exit_code, 2) << args;
    return result.err;
  };
  EXPECT_THAT(usage("-t " + inputs_ + " --shard 0/2 --plan"), HasSubstr("--merge ... --plan"));
  EXPECT_THAT(usage("-t " + inputs_ + " --shard 2/2 -o " + Path("x")),
              HasSubstr("shard index 2 is not below the count 2"));
  EXPECT_THAT(usage("-t " + inputs_ + " --merge " + Path("x") + " -o " + Path("y")),
              HasSubstr("--merge reads partial samples, not --traces"));
  EXPECT_THAT(usage("-o " + Path("y")), HasSubstr("--traces is required"));
  EXPECT_THAT(usage("-t - --shard 0/2 -o " + Path("x") + " < " + kDemo),
              HasSubstr("not standard input or a pipe"));
}

}  // namespace
}  // namespace arbiter
