#include "runner/scoring/run_pipeline.h"
#include "plugins/register_builtins.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scoring/pipeline_test_util.h"
#include "runner/scoring/scorecard.h"
#include "tests/gzip_util.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::TempDir;

TEST(RunPipelineTest, OutputIsIdenticalForAnyThreadCountAndBatchSize) {
  PluginRegistry registry;
  ASSERT_TRUE(RegisterBuiltinPlugins(registry).ok());
  TempDir dir;
  dir.Write("a.yaml", "id: has-digit\nversion: 1\nplugin: regex\nparams: {patterns: ['[0-9]']}\n");
  dir.Write("b.yaml", "id: short\nversion: 1\nplugin: length\nparams: {max_chars: 14}\n");
  std::string traces;
  for (int i = 0; i < 5000; ++i) {
    if (i % 997 == 0) {
      traces += "{broken\n";
      continue;
    }
    traces += "{\"trace_id\": \"t-" + std::to_string(i) + "\", \"output\": \"answer " +
              std::string(i % 13, 'x') + (i % 3 ? "7" : "") + "\", \"metadata\": {\"intent\": \"i" +
              std::to_string(i % 5) + "\"}}\n";
  }
  auto path = dir.Write("traces.jsonl", traces).string();
  Result<Suite> suite = LoadSuite(dir.Write("suite.yaml",
                                            "name: s\nevaluators: [a.yaml, b.yaml]\nstrata: "
                                            "[metadata.intent]\n"),
                                  registry);
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  for (LoadedEvaluator& e : suite->evaluators) ASSERT_TRUE(e.evaluator->PrepareWorkers(4).ok());

  auto [rows1, card1] = testing::RunAndCollect(*suite, path, 1, 256);
  EXPECT_EQ(std::count(rows1.begin(), rows1.end(), '\n'), 2 * (5000 - 6));
  for (auto [threads, batch] : {std::pair{2, 256}, std::pair{4, 7}, std::pair{3, 1}}) {
    auto [rows, card] = testing::RunAndCollect(*suite, path, threads, batch);
    EXPECT_EQ(rows, rows1) << threads << " threads, batch " << batch;
    EXPECT_EQ(card, card1) << threads << " threads, batch " << batch;
  }
  EXPECT_THAT(card1, ::testing::HasSubstr("\"trace_errors\":6"));
}

// A plain file is read in blocks that the batches share (source/block_jsonl_source.h): its rows
// and input hash are the same for any block size and thread count, and the same as from its .gz,
// which the line reader reads.
TEST(RunPipelineTest, RowsAreIdenticalForAnyBlockSizeAndThreadCount) {
  PluginRegistry registry;
  ASSERT_TRUE(RegisterBuiltinPlugins(registry).ok());
  TempDir dir;
  dir.Write("a.yaml", "id: has-digit\nversion: 1\nplugin: regex\nparams: {patterns: ['[0-9]']}\n");
  std::string traces;
  for (int i = 0; i < 3000; ++i) {
    traces += "{\"trace_id\": \"t-" + std::to_string(i) + "\", \"output\": \"" +
              std::string(i % 97, i % 2 ? 'x' : '5') + "\"}";
    traces += i % 7 == 0 ? "\r\n" : i % 11 == 0 ? "\n\n" : i % 500 == 0 ? "\n{broken\n" : "\n";
  }
  traces += "{\"trace_id\": \"last\", \"output\": \"no newline 1\"}";
  const std::string plain = dir.Write("traces.jsonl", traces).string();
  const std::string gz = dir.Write("traces.jsonl.gz", testing::Gzip(traces)).string();
  Result<Suite> suite =
      LoadSuite(dir.Write("suite.yaml", "name: s\nevaluators: [a.yaml]\n"), registry);
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  for (LoadedEvaluator& e : suite->evaluators) ASSERT_TRUE(e.evaluator->PrepareWorkers(4).ok());

  auto collect = [&](const std::string& path, int threads, size_t block_bytes) {
    PipelineOptions options;
    options.threads = threads;
    options.batch_size = 64;
    options.source.block_bytes = block_bytes;
    options.source.hash_threads = 2;
    std::string out;
    PipelineCallbacks callbacks;
    callbacks.batch = [&](ScoredBatch& batch) {
      out += batch.rows;
      for (const TraceResult& trace : batch.traces) {
        if (!trace.error.empty()) out += std::to_string(trace.line) + ": " + trace.error + "\n";
      }
      return Status::OK();
    };
    callbacks.input_done = [&](const InputDone& done) { out += "hash " + done.hash + "\n"; };
    Status status = RunPipeline(*suite, {path}, options, callbacks);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return out;
  };
  const std::string expected = collect(gz, 1, 0);
  EXPECT_EQ(std::count(expected.begin(), expected.end(), '\n'),
            3001 + 5 + 1);  // rows, broken lines, hash
  for (int threads : {1, 2, 4}) {
    for (size_t block : {size_t{0}, size_t{1000}, size_t{97}}) {
      EXPECT_EQ(collect(plain, threads, block), expected)
          << threads << " threads, blocks of " << block;
    }
  }
}

TEST(RunPipelineTest, MissingInputIsAnError) {
  Suite suite;
  PipelineCallbacks callbacks;
  callbacks.batch = [](ScoredBatch&) { return Status::OK(); };
  Status status = RunPipeline(suite, {"/nonexistent/traces.jsonl"}, PipelineOptions{}, callbacks);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), ::testing::HasSubstr("/nonexistent/traces.jsonl: cannot open"));
}

TEST(RunPipelineTest, CallbackErrorStopsTheRun) {
  PluginRegistry registry;
  ASSERT_TRUE(RegisterBuiltinPlugins(registry).ok());
  TempDir dir;
  dir.Write("a.yaml", "id: a\nversion: 1\nplugin: length\nparams: {max_chars: 3}\n");
  std::string traces;
  for (int i = 0; i < 3000; ++i) traces += "{\"trace_id\": \"t\", \"output\": \"x\"}\n";
  auto path = dir.Write("t.jsonl", traces).string();
  Result<Suite> suite = LoadSuite(dir.Write("s.yaml", "name: s\nevaluators: [a.yaml]\n"), registry);
  ASSERT_TRUE(suite.ok());
  int batches = 0;
  PipelineCallbacks callbacks;
  callbacks.batch = [&](ScoredBatch&) {
    return ++batches == 2 ? Status::Corruption("stop here") : Status::OK();
  };
  PipelineOptions options;
  options.threads = 2;
  options.batch_size = 100;
  Status status = RunPipeline(*suite, {path}, options, callbacks);
  EXPECT_EQ(status.message(), "stop here");
  EXPECT_EQ(batches, 2);
}

}  // namespace
}  // namespace arbiter
