// RunSuite, what `arbiter run` calls: the output folder it writes, the events a terminal hears,
// --strict and Ctrl-C.
#include "runner/scoring/run_suite.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plugins/register_builtins.h"
#include "runner/plugin_api/plugin_registry.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::ReadFile;
using testing::TempDir;

class RunSuiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(RegisterBuiltinPlugins(registry_).ok());
    dir_.Write("a.yaml",
               "id: has-digit\nversion: 1\nplugin: regex\nparams: {patterns: ['[0-9]']}\n");
    Result<Suite> suite =
        LoadSuite(dir_.Write("suite.yaml", "name: s\nevaluators: [a.yaml]\n"), registry_);
    ASSERT_TRUE(suite.ok()) << suite.status().ToString();
    suite_ = std::move(*suite);
    traces_ = dir_.Write("traces.jsonl",
                         "{\"trace_id\": \"t-1\", \"output\": \"7\"}\n"
                         "{broken\n"
                         "{\"trace_id\": \"t-2\", \"output\": \"none\"}\n")
                  .string();
    options_.traces = {traces_};
    options_.out = dir_.path() / "out";
  }

  PluginRegistry registry_;
  TempDir dir_;
  Suite suite_;
  std::string traces_;
  RunSuiteOptions options_;
};

TEST_F(RunSuiteTest, WritesTheOutputFolderAndCountsTheTraces) {
  std::vector<std::string> skipped;
  uint64_t progress = 0;
  int started = 0, finished = 0;
  options_.events.trace_skipped = [&](const std::string& path, uint64_t line, const std::string&) {
    skipped.push_back(path + ":" + std::to_string(line));
  };
  std::optional<uint64_t> input_bytes;
  uint64_t bytes = 0;
  options_.events.progress = [&](uint64_t traces, uint64_t read) {
    progress = traces;
    bytes = read;
  };
  options_.events.scoring_started = [&](std::optional<uint64_t> total) {
    ++started;
    input_bytes = total;
  };
  options_.events.scoring_finished = [&] { ++finished; };
  Result<RunSuiteResult> run = RunSuite(suite_, options_);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->traces, 2u);
  EXPECT_EQ(run->trace_errors, 1u);
  EXPECT_FALSE(run->sampled);
  EXPECT_FALSE(run->interrupted);
  EXPECT_EQ(skipped, std::vector<std::string>{traces_ + ":2"});
  EXPECT_EQ(progress, 3u);
  // The whole file was read, its size known up front (the progress display's share).
  uint64_t size = std::filesystem::file_size(traces_);
  EXPECT_EQ(input_bytes, std::optional<uint64_t>(size));
  EXPECT_EQ(bytes, size);
  EXPECT_EQ(started, 1);
  EXPECT_EQ(finished, 1);

  std::string rows = ReadFile(options_.out / "scores.jsonl");
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 2);
  EXPECT_THAT(rows, HasSubstr("\"trace_id\": \"t-1\""));
  auto card = nlohmann::ordered_json::parse(ReadFile(options_.out / "scorecard.json"));
  EXPECT_EQ(card["trace_errors"], 1);
  EXPECT_FALSE(card.contains("interrupted"));
  EXPECT_THAT(ReadFile(options_.out / "scorecard.md"), HasSubstr("has-digit"));
  EXPECT_THAT(ReadFile(options_.out / "trace_errors.jsonl"),
              HasSubstr("\"line\": 2, \"reason\": "));
}

TEST_F(RunSuiteTest, StrictStopsAtTheFirstBrokenTraceAndWritesNothing) {
  options_.strict = true;
  Result<RunSuiteResult> run = RunSuite(suite_, options_);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), Status::Code::kIoError);  // exit 3: the input was not read through
  EXPECT_THAT(run.status().message(), HasSubstr(traces_ + ":2: "));
  EXPECT_THAT(run.status().message(), HasSubstr("(--strict)"));
  EXPECT_FALSE(std::filesystem::exists(options_.out / "scores.jsonl"));
  EXPECT_FALSE(std::filesystem::exists(options_.out / "scorecard.json"));
}

TEST_F(RunSuiteTest, AStopRequestMarksTheScorecardInterrupted) {
  std::atomic<bool> stop{true};
  options_.stop = &stop;
  Result<RunSuiteResult> run = RunSuite(suite_, options_);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->interrupted);
  auto card = nlohmann::ordered_json::parse(ReadFile(options_.out / "scorecard.json"));
  EXPECT_EQ(card["interrupted"], true);
}

TEST_F(RunSuiteTest, AnOutputFolderThatCannotBeCreatedIsAnError) {
  options_.out = dir_.Write("file", "not a folder") / "out";
  Result<RunSuiteResult> run = RunSuite(suite_, options_);
  ASSERT_FALSE(run.ok());
  EXPECT_THAT(run.status().message(), HasSubstr(": cannot create output folder: "));
}

}  // namespace
}  // namespace arbiter
