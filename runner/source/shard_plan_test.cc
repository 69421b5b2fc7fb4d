#include "runner/source/shard_plan.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/base/sha256.h"
#include "tests/gzip_util.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::Gzip;
using ::testing::HasSubstr;
using testing::TempDir;

std::string Traces(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += "{\"trace_id\": \"t-" + std::to_string(i) + "\", \"output\": \"" +
            std::string(static_cast<size_t>(i % 17), 'x') + "\"}\n";
  }
  return text;
}

std::vector<std::string> ReadPart(const ShardInput& input, const ShardPart& part) {
  auto source = part.range ? OpenTraceSourceRange(input.path, *part.range, {})
                           : OpenTraceSource(input.path, {});
  EXPECT_TRUE(source.ok()) << source.status().message();
  std::vector<std::string> records;
  TraceRecord record;
  while ((*source)->Next(record)) {
    records.push_back(std::to_string(record.line) + " " + std::string(record.json));
  }
  return records;
}

// Split and whole inputs: the parts of all shards, in PlanAllShards' order, read every trace
// once, in the order of one reading of the inputs.
TEST(ShardPlanTest, PartsOfAllShardsReadEachTraceOnceInOrder) {
  TempDir dir;
  const std::string plain = Traces(101);
  std::vector<std::string> paths = {dir.Write("a.jsonl", plain).string(),
                                    dir.Write("b.jsonl.gz", Gzip(Traces(13))).string(),
                                    dir.Write("c.jsonl", Traces(5)).string()};
  Result<std::vector<ShardInput>> inputs = DescribeShardInputs(paths, TraceFormat::kAuto);
  ASSERT_TRUE(inputs.ok()) << inputs.status().message();
  EXPECT_TRUE((*inputs)[0].split);
  EXPECT_FALSE((*inputs)[1].split);
  EXPECT_EQ((*inputs)[0].bytes, plain.size());
  std::vector<std::string> whole;
  for (size_t i = 0; i < paths.size(); ++i) {
    std::vector<std::string> records = ReadPart((*inputs)[i], ShardPart{i, 0, std::nullopt});
    whole.insert(whole.end(), records.begin(), records.end());
  }
  for (uint32_t count : {1u, 2u, 3u, 7u, 200u}) {
    std::vector<std::string> joined;
    size_t parts = 0;
    for (const ShardPart& part : PlanAllShards(*inputs, count)) {
      std::vector<std::string> records = ReadPart((*inputs)[part.input], part);
      joined.insert(joined.end(), records.begin(), records.end());
      ++parts;
    }
    EXPECT_EQ(joined, whole) << count << " shards";
    EXPECT_EQ(parts, 2 * count + 1);
    size_t mine = 0;
    for (uint32_t shard = 0; shard < count; ++shard) {
      mine += PlanShard(*inputs, ShardSpec{shard, count}).size();
    }
    EXPECT_EQ(mine, parts);
  }
  EXPECT_EQ(HashingShard(*inputs, 1, 4), 0u);  // the first whole input
  EXPECT_EQ(HashingShard(*inputs, 2, 4), 2u);
  Result<std::string> sha = FileSha256(paths[0]);
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(*sha, Sha256Hex(plain));
}

TEST(ShardPlanTest, OtlpIsReadWholeAndStdinIsRefused) {
  TempDir dir;
  std::string otlp = dir.Write("t.otlp.jsonl", "{\"resourceSpans\": []}\n").string();
  Result<std::vector<ShardInput>> inputs = DescribeShardInputs({otlp}, TraceFormat::kAuto);
  ASSERT_TRUE(inputs.ok());
  EXPECT_FALSE((*inputs)[0].split);
  EXPECT_THAT(DescribeShardInputs({"-"}, TraceFormat::kAuto).status().message(),
              HasSubstr("not standard input or a pipe"));
}

TEST(ShardPlanTest, IdentityChangesWithTheFiles) {
  TempDir dir;
  std::string path = dir.Write("a.jsonl", Traces(10)).string();
  auto before = DescribeShardInputs({path}, TraceFormat::kAuto);
  dir.Write("a.jsonl", Traces(11));
  auto after = DescribeShardInputs({path}, TraceFormat::kAuto);
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_NE(InputSetIdentity(*before), InputSetIdentity(*after));
  EXPECT_EQ(InputSetIdentity(*after), InputSetIdentity(*DescribeShardInputs({path}, {})));
}

}  // namespace
}  // namespace arbiter
