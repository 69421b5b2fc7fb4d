#include "runner/source/shard_spec.h"

#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arbiter {
namespace {

using ::testing::HasSubstr;

// An environment of the given variables only.
std::function<const char*(const char*)> Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto found = vars.find(name);
    return found == vars.end() ? nullptr : found->second.c_str();
  };
}

TEST(ShardSpecTest, ParsesIndexOfCount) {
  Result<ShardSpec> spec = ParseShardSpec("2/7");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->index, 2u);
  EXPECT_EQ(spec->count, 7u);
  EXPECT_EQ(spec->Text(), "2/7");
  EXPECT_TRUE(ParseShardSpec("0/1").ok());
}

TEST(ShardSpecTest, RefusesWhatIsNotAShard) {
  EXPECT_THAT(ParseShardSpec("4/4").status().message(), HasSubstr("not below the count 4"));
  EXPECT_THAT(ParseShardSpec("0/0").status().message(), HasSubstr("count must be 1 to"));
  for (const char* bad : {"", "3", "a/4", "1/", "/4", "-1/4", "1/4x", "1/4/5"}) {
    EXPECT_THAT(ParseShardSpec(bad).status().message(), HasSubstr("expected I/N")) << bad;
  }
}

TEST(ShardSpecTest, KubernetesIndexedJobNeedsTheCount) {
  Result<ShardSpec> spec =
      ShardFromEnvironment(Env({{"JOB_COMPLETION_INDEX", "3"}, {"ARBITER_SHARD_COUNT", "8"}}), {});
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->Text(), "3/8");
  spec =
      ShardFromEnvironment(Env({{"JOB_COMPLETION_INDEX", "3"}, {"ARBITER_SHARD_COUNT", "8"}}), 5);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->Text(), "3/5");  // the flag wins over the environment
  EXPECT_THAT(ShardFromEnvironment(Env({{"JOB_COMPLETION_INDEX", "3"}}), {}).status().message(),
              HasSubstr("--shard-count N or set ARBITER_SHARD_COUNT"));
  EXPECT_THAT(ShardFromEnvironment(Env({{"JOB_COMPLETION_INDEX", "9"}}), 4).status().message(),
              HasSubstr("shard index 9 is not below the count 4"));
}

TEST(ShardSpecTest, SlurmArrayCountsFromItsFirstTask) {
  Result<ShardSpec> spec = ShardFromEnvironment(
      Env({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}), {});
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->Text(), "2/4");
  spec = ShardFromEnvironment(Env({{"SLURM_ARRAY_TASK_ID", "5"},
                                   {"SLURM_ARRAY_TASK_MIN", "1"},
                                   {"SLURM_ARRAY_TASK_COUNT", "5"}}),
                              {});
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->Text(), "4/5");  // --array=1-5
  EXPECT_THAT(ShardFromEnvironment(Env({{"SLURM_ARRAY_TASK_ID", "x"}}), {}).status().message(),
              HasSubstr("SLURM_ARRAY_TASK_ID='x' is not a non-negative integer"));
  EXPECT_THAT(ShardFromEnvironment(Env({{"SLURM_ARRAY_TASK_ID", "1"}}), {}).status().message(),
              HasSubstr("not SLURM_ARRAY_TASK_COUNT"));
}

TEST(ShardSpecTest, NoEngineIsAClearError) {
  Status status = ShardFromEnvironment(Env({}), 4).status();
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("neither JOB_COMPLETION_INDEX"));
  EXPECT_THAT(status.message(), HasSubstr("SLURM_ARRAY_TASK_ID"));
}

}  // namespace
}  // namespace arbiter
