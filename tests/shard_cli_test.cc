// `arbiter run --shard I/N` and `arbiter merge` with the real binary: over a plain JSONL file
// (cut into byte ranges), a gzip file and an OTLP file (each read whole by one shard), a sampled
// file (population figures) and a file with broken lines, the merge of N shards writes the bytes
// one run writes, for N in {1, 2, 3, 4, 7}; and every set that cannot be merged exactly is refused,
// naming why.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

constexpr char kSuite[] = "evaluators/suites/demo.yaml";
const char* const kOutputs[] = {"scores.jsonl", "scorecard.json", "scorecard.md", "report.html",
                                "trace_errors.jsonl"};

class ShardCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path gz = dir_.path() / "traces.jsonl.gz";
    ASSERT_EQ(std::system(("gzip -c datasets/demo/traces.jsonl > " + gz.string()).c_str()), 0);
    const fs::path sample = dir_.path() / "sample.jsonl";
    auto sampled = RunArbiter(
        "sample --policy datasets/demo/sample-policy.yaml --seed 3 -t "
        "datasets/demo/traces.jsonl -o " +
        sample.string());
    ASSERT_EQ(sampled.exit_code, 0) << sampled.err;
    // Broken lines, blank lines and no final newline: parts must still cut at line starts.
    const fs::path broken =
        dir_.Write("broken.jsonl",
                   "{\"trace_id\": \"b-1\", \"output\": \"fine\"}\n\nnot json\n"
                   "{\"trace_id\": 7}\n{\"trace_id\": \"b-2\", \"output\": \"[doc9]\"}");
    inputs_ = "datasets/demo/traces.jsonl " + gz.string() + " datasets/demo/traces.otlp.jsonl " +
              sample.string() + " " + broken.string();
  }

  testing::CommandResult Run(const std::string& out, const std::string& extra,
                             const std::string& suite = kSuite) {
    return RunArbiter("run -q -j 2 -s " + suite + " -t " + inputs_ + " -o " + out + " " + extra);
  }

  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }

  TempDir dir_;
  std::string inputs_;
};

TEST_F(ShardCliTest, MergedShardsWriteTheBytesOfOneRun) {
  auto whole = Run(Path("whole"), "");
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  ASSERT_THAT(ReadFile(fs::path(Path("whole")) / "scorecard.json"), HasSubstr("population"));
  ASSERT_THAT(ReadFile(fs::path(Path("whole")) / "trace_errors.jsonl"), HasSubstr("\"line\": 3"));
  for (int count : {1, 2, 3, 4, 7}) {
    std::string shards;
    for (int index = count - 1; index >= 0; --index) {  // any order
      std::string out = Path("n" + std::to_string(count) + "-" + std::to_string(index));
      auto shard = Run(out, "--shard " + std::to_string(index) + "/" + std::to_string(count));
      ASSERT_EQ(shard.exit_code, 0) << shard.err;
      EXPECT_THAT(shard.err, HasSubstr("partial run:"));
      EXPECT_FALSE(fs::exists(fs::path(out) / "scorecard.json"));
      shards += out + " ";
    }
    std::string merged = Path("merged" + std::to_string(count));
    auto merge = RunArbiter("merge " + shards + "-o " + merged);
    ASSERT_EQ(merge.exit_code, 0) << merge.err;
    for (const char* file : kOutputs) {
      EXPECT_EQ(ReadFile(fs::path(merged) / file), ReadFile(fs::path(Path("whole")) / file))
          << file << " of " << count << " shards";
    }
  }
}

TEST_F(ShardCliTest, RefusesSetsThatAreNotOneRun) {
  ASSERT_EQ(Run(Path("a0"), "--shard 0/2").exit_code, 0);
  ASSERT_EQ(Run(Path("a1"), "--shard 1/2").exit_code, 0);
  auto refused = [&](const std::string& runs) {
    auto merge = RunArbiter("merge " + runs + " -o " + Path("refused"));
    EXPECT_EQ(merge.exit_code, 2) << runs;
    EXPECT_FALSE(fs::exists(fs::path(Path("refused")) / "scorecard.json"));
    return merge.err;
  };
  EXPECT_THAT(refused(Path("a0")), HasSubstr("incomplete set: shard 1 of 2 missing"));
  fs::copy(Path("a0"), Path("a0-copy"));
  EXPECT_THAT(refused(Path("a0") + " " + Path("a0-copy") + " " + Path("a1")),
              HasSubstr("overlapping shards"));
  ASSERT_EQ(Run(Path("full"), "").exit_code, 0);
  EXPECT_THAT(refused(Path("a0") + " " + Path("full")), HasSubstr("a full run"));
  ASSERT_EQ(Run(Path("b1"), "--shard 1/2", "evaluators/suites/demo-no-lua.yaml").exit_code, 0);
  EXPECT_THAT(refused(Path("a0") + " " + Path("b1")),
              HasSubstr("different suites: suite 'support-agent-demo' against suite "
                        "'support-agent-demo-no-lua'"));
  ASSERT_EQ(Run(Path("c1"), "--shard 1/3").exit_code, 0);
  EXPECT_THAT(refused(Path("a0") + " " + Path("c1")), HasSubstr("different shard counts"));
  auto other = RunArbiter("run -q -s " + std::string(kSuite) +
                          " -t datasets/demo/traces.jsonl -o " + Path("d1") + " --shard 1/2");
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_THAT(refused(Path("a0") + " " + Path("d1")), HasSubstr("different input sets"));
  ASSERT_EQ(Run(Path("e1"), "--shard 1/2 --max-error-rate 0.2").exit_code, 0);
  EXPECT_THAT(refused(Path("a0") + " " + Path("e1")), HasSubstr("--max-error-rate 0.5 against"));
  ASSERT_EQ(Run(Path("h1"), "--shard 1/2 --input-hash sha256").exit_code, 0);
  EXPECT_THAT(refused(Path("a0") + " " + Path("h1")),
              HasSubstr("--input-hash sha256_chunks against sha256"));
}

TEST_F(ShardCliTest, ARowFileChangedAfterTheRunIsRefusedWithItsSizes) {
  ASSERT_EQ(Run(Path("a0"), "--shard 0/2").exit_code, 0);
  ASSERT_EQ(Run(Path("a1"), "--shard 1/2").exit_code, 0);
  const fs::path scores = fs::path(Path("a0")) / "scores.jsonl";
  std::string rows = ReadFile(scores);
  size_t second_row = rows.find('\n') + 1;
  ASSERT_GT(rows.size(), second_row + 20);
  const std::string runs = Path("a0") + " " + Path("a1") + " -o " + Path("merged");
  // A row cut short (it was "shorter than its shard.json says", which read as a bug in merge),
  // and a row added at the end (it was merged without a word).
  for (const std::string& edited :
       {rows.substr(0, second_row) + "{\"broken\n" + rows.substr(rows.find('\n', second_row) + 1),
        rows + rows.substr(0, second_row)}) {
    std::ofstream(scores, std::ios::binary | std::ios::trunc) << edited;
    auto merge = RunArbiter("merge " + runs);
    EXPECT_EQ(merge.exit_code, 2) << merge.err;
    EXPECT_THAT(merge.err, HasSubstr(scores.string() + ": " + std::to_string(edited.size()) +
                                     " bytes where shard.json accounts for " +
                                     std::to_string(rows.size()) + ": it changed after the run"));
    EXPECT_FALSE(fs::exists(fs::path(Path("merged")) / "scorecard.json"));
  }
}

TEST_F(ShardCliTest, ARowEditedToTheSameLengthIsRefusedByItsDigest) {
  ASSERT_EQ(Run(Path("a0"), "--shard 0/2").exit_code, 0);
  ASSERT_EQ(Run(Path("a1"), "--shard 1/2").exit_code, 0);
  const std::string runs = Path("a0") + " " + Path("a1") + " -o " + Path("merged");
  for (const char* file : {"scores.jsonl", "trace_errors.jsonl"}) {
    int edits = 0;
    for (const char* shard : {"a0", "a1"}) {
      const fs::path path = fs::path(Path(shard)) / file;
      const std::string rows = ReadFile(path);
      const size_t digit = rows.find_first_of("0123456789");
      if (digit == std::string::npos) continue;  // no rows in this shard
      std::string edited = rows;
      edited[digit] = edited[digit] == '7' ? '8' : '7';
      std::ofstream(path, std::ios::binary | std::ios::trunc) << edited;
      auto merge = RunArbiter("merge " + runs);
      EXPECT_EQ(merge.exit_code, 2) << path << ": " << merge.err;
      EXPECT_THAT(merge.err, HasSubstr(path.string() + ": bytes "));
      EXPECT_THAT(merge.err, HasSubstr("are not those the run wrote"));
      EXPECT_FALSE(fs::exists(Path("merged"))) << "an empty folder left behind";
      std::ofstream(path, std::ios::binary | std::ios::trunc) << rows;  // put back: merges again
      auto again = RunArbiter("merge " + runs);
      EXPECT_EQ(again.exit_code, 0) << path << ": " << again.err;
      fs::remove_all(Path("merged"));
      ++edits;
    }
    EXPECT_GT(edits, 0) << "no shard wrote " << file;
  }
}

TEST_F(ShardCliTest, RefusesWhatIsNotAShard) {
  auto bad = Run(Path("x"), "--shard 2/2");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("shard index 2 is not below the count 2"));
  auto noenv = RunArbiter("run -q -s " + std::string(kSuite) +
                          " -t datasets/demo/traces.jsonl -o " + Path("y") + " --shard auto");
  EXPECT_EQ(noenv.exit_code, 2);
  EXPECT_THAT(noenv.err, HasSubstr("neither JOB_COMPLETION_INDEX"));
  auto stdin_shard = RunArbiter("run -q -s " + std::string(kSuite) + " -t - -o " + Path("z") +
                                " --shard 0/2 < datasets/demo/traces.jsonl");
  EXPECT_EQ(stdin_shard.exit_code, 2);
  EXPECT_THAT(stdin_shard.err, HasSubstr("not standard input or a pipe"));
  // A Kubernetes Indexed Job's index, with the count from the flag.
  ::setenv("JOB_COMPLETION_INDEX", "2", 1);
  auto indexed =
      RunArbiter("run -q -s " + std::string(kSuite) + " -t datasets/demo/traces.jsonl -o " +
                 Path("k") + " --shard auto --shard-count 3");
  ::unsetenv("JOB_COMPLETION_INDEX");
  EXPECT_EQ(indexed.exit_code, 0) << indexed.err;
  EXPECT_THAT(indexed.err, HasSubstr("(shard 2/3;"));
}

}  // namespace
}  // namespace arbiter
