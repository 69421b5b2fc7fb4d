// Population pass rates in the scorecard: sampled traces through the real pipeline, `_sample`
// parsing, and unsampled inputs left as they were.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plugins/register_builtins.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/scoring/pipeline_test_util.h"
#include "runner/scoring/run_pipeline.h"
#include "runner/scoring/scorecard.h"
#include "runner/suite/suite.h"
#include "runner/trace/sample_mark.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

// A trace: `pass` decides the has-digit evaluator (skipped when `judged` is false); `sample` is
// the JSON of its `_sample`, or empty for none.
std::string Trace(int id, bool pass, bool judged, const std::string& sample) {
  std::string json = R"({"trace_id": "t-)" + std::to_string(id) + R"(", "output": "answer)" +
                     (pass ? " 7" : "") + R"(", "metadata": {"judge": )" +
                     (judged ? "true" : "false") + "}";
  if (!sample.empty()) json += R"(, "_sample": )" + sample;
  return json + "}\n";
}

std::string Mark(const std::string& stratum, bool failure, double weight) {
  return R"({"stratum": ")" + stratum + R"(", "failure": )" + (failure ? "true" : "false") +
         R"(, "weight": )" + std::to_string(weight) + "}";
}

// The cells of population_estimate_test's first case: (a, ok) w 10: pass pass pass fail;
// (a, failure) w 2: fail pass skipped; (b, ok) w 1: pass fail; (b, failure) w 5: fail.
std::string SampledTraces() {
  struct Row {
    const char* stratum;
    bool failure;
    double weight;
    bool pass, judged;
  } rows[] = {{"a", false, 10, true, true}, {"a", false, 10, true, true},
              {"a", false, 10, true, true}, {"a", false, 10, false, true},
              {"a", true, 2, false, true},  {"a", true, 2, true, true},
              {"a", true, 2, true, false},  {"b", false, 1, true, true},
              {"b", false, 1, false, true}, {"b", true, 5, false, true}};
  std::string traces;
  int id = 0;
  for (const Row& row : rows) {
    traces += Trace(id++, row.pass, row.judged, Mark(row.stratum, row.failure, row.weight));
  }
  return traces;
}

class PopulationScorecardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(RegisterBuiltinPlugins(registry_).ok());
    dir_.Write("digit.yaml",
               "id: has-digit\nversion: 1\nplugin: regex\ntarget: output\n"
               "params: {patterns: ['[0-9]']}\nwhen: \"metadata.judge == true\"\n");
    dir_.Write("short.yaml", "id: short\nversion: 1\nplugin: length\nparams: {max_chars: 100}\n");
    Result<Suite> suite = LoadSuite(
        dir_.Write("suite.yaml", "name: s\nevaluators: [digit.yaml, short.yaml]\n"), registry_);
    ASSERT_TRUE(suite.ok()) << suite.status().ToString();
    suite_ = std::move(*suite);
    for (LoadedEvaluator& e : suite_.evaluators) ASSERT_TRUE(e.evaluator->PrepareWorkers(4).ok());
  }

  nlohmann::ordered_json Card(const std::string& traces, int threads = 1, size_t batch = 256) {
    auto path = dir_.Write("traces.jsonl", traces).string();
    return nlohmann::ordered_json::parse(
        testing::RunAndCollect(suite_, path, threads, batch).second);
  }

  PluginRegistry registry_;
  TempDir dir_;
  Suite suite_;
};

TEST_F(PopulationScorecardTest, SampledInputGetsTheWeightedEstimate) {
  nlohmann::ordered_json card = Card(SampledTraces());
  const nlohmann::ordered_json& digit = card["evaluators"][0];
  // Plain figures are unchanged: 5 of 9 judged traces pass.
  EXPECT_EQ(digit["n"], 9);
  EXPECT_EQ(digit["pass_rate"], 0.5556);
  // population_estimate_test's reference values, rounded to 4 digits:
  // estimate([(10, [1, 1, 1, 0]), (2, [0, 1, None]), (1, [1, 0]), (5, [0])])
  EXPECT_EQ(digit["population_pass_rate"], 0.6471);
  EXPECT_EQ(digit["population_pass_rate_ci95"], nlohmann::ordered_json::array({0.2844, 0.8943}));
  // Every trace passes `short`: p = 1, V = 0, Wilson on the 10 judged traces.
  // estimate([(10, [1] * 4), (2, [1] * 3), (1, [1] * 2), (5, [1])])
  const nlohmann::ordered_json& all = card["evaluators"][1];
  EXPECT_EQ(all["population_pass_rate"], 1.0);
  EXPECT_EQ(all["population_pass_rate_ci95"], nlohmann::ordered_json::array({0.7225, 1.0}));
  EXPECT_EQ(card["sample"],
            nlohmann::ordered_json::parse(R"({"cells": 4, "without_sample": 0, "malformed": 0})"));
  // The keys sit right after pass_rate_ci95.
  std::vector<std::string> keys;
  for (auto it = digit.begin(); it != digit.end(); ++it) keys.push_back(it.key());
  auto at = std::find(keys.begin(), keys.end(), "pass_rate_ci95");
  ASSERT_LT(at + 2, keys.end());
  EXPECT_EQ(at[1], "population_pass_rate");
  EXPECT_EQ(at[2], "population_pass_rate_ci95");
}

TEST_F(PopulationScorecardTest, NoSampleIsWeightOneInACellOfItsOwnMalformedIsLeftOut) {
  std::string traces = SampledTraces();
  traces += Trace(20, true, true, "");
  traces += Trace(21, false, true, "");
  // A passing trace with a bad weight: scored, but it must not enter the estimate.
  traces += Trace(22, true, true, Mark("b", true, 0.5));
  nlohmann::ordered_json card = Card(traces);
  const nlohmann::ordered_json& digit = card["evaluators"][0];
  EXPECT_EQ(digit["n"], 12);
  // The traces without `_sample` form a census cell (1, [1, 0]):
  // estimate([(10, [1, 1, 1, 0]), (2, [0, 1, None]), (1, [1, 0]), (5, [0]), (1, [1, 0])])
  EXPECT_EQ(digit["population_pass_rate"], 0.6415);
  EXPECT_EQ(digit["population_pass_rate_ci95"], nlohmann::ordered_json::array({0.2915, 0.8862}));
  // estimate([(10, [1] * 4), (2, [1] * 3), (1, [1] * 2), (5, [1]), (1, [1, 1])])
  EXPECT_EQ(card["evaluators"][1]["population_pass_rate_ci95"],
            nlohmann::ordered_json::array({0.7575, 1.0}));
  EXPECT_EQ(card["sample"],
            nlohmann::ordered_json::parse(R"({"cells": 4, "without_sample": 2, "malformed": 1})"));
}

TEST_F(PopulationScorecardTest, SameScorecardWhateverTheThreads) {
  std::string traces;
  for (int i = 0; i < 400; ++i) {
    traces +=
        Trace(i, i % 3 != 0, i % 7 != 0,
              Mark("s" + std::to_string(i % 5), i % 4 == 0, 1.0 + (i % 5) * 2.5 + (i % 4 == 0)));
  }
  std::string one = Card(traces, 1, 256).dump();
  EXPECT_THAT(one, HasSubstr("population_pass_rate"));
  EXPECT_EQ(Card(traces, 4, 7).dump(), one);
  EXPECT_EQ(Card(traces, 3, 1).dump(), one);
}

TEST_F(PopulationScorecardTest, UnsampledInputHasNoPopulationFigures) {
  std::string traces;
  for (int i = 0; i < 10; ++i) traces += Trace(i, i % 2, true, "");
  nlohmann::ordered_json card = Card(traces);
  EXPECT_FALSE(card.contains("sample"));
  EXPECT_FALSE(card["evaluators"][0].contains("population_pass_rate"));
  EXPECT_FALSE(card["evaluators"][0].contains("population_pass_rate_ci95"));
}

TEST_F(PopulationScorecardTest, MarkdownGetsAPopulationColumnOnlyWhenSampled) {
  auto markdown = [&](const std::string& traces) {
    ScorecardBuilder builder(suite_);
    PipelineCallbacks callbacks;
    callbacks.batch = [&](ScoredBatch& batch) {
      for (const TraceResult& trace : batch.traces) builder.AddTrace(trace);
      return Status::OK();
    };
    EXPECT_TRUE(
        RunPipeline(suite_, {dir_.Write("md.jsonl", traces).string()}, PipelineOptions{}, callbacks)
            .ok());
    return builder.Markdown();
  };
  std::string sampled = markdown(SampledTraces());
  EXPECT_THAT(sampled, HasSubstr("| population pass rate (95%) |"));
  EXPECT_THAT(sampled, HasSubstr("| 64.7% [28.4%, 89.4%] |"));
  EXPECT_THAT(markdown(Trace(1, true, true, "")), ::testing::Not(HasSubstr("population")));
}

// A scorecard's state written out after each part of the traces and added back in order
// (what `arbiter merge` does with shards) prints what one builder over all of them prints, for
// any cut: sampled and unsampled traces, malformed marks, broken lines.
TEST_F(PopulationScorecardTest, StatesOfPartsMergeIntoTheWholeScorecard) {
  std::vector<std::string> lines;
  {
    std::string traces = SampledTraces() + Trace(20, true, true, "") + "not json\n" +
                         Trace(21, false, true, R"({"stratum": "a"})") + Trace(22, true, false, "");
    for (size_t at = 0, end; (end = traces.find('\n', at)) != std::string::npos; at = end + 1) {
      lines.push_back(traces.substr(at, end - at + 1));
    }
  }
  auto build = [&](size_t begin, size_t end, ScorecardBuilder& builder) {
    std::string part;
    for (size_t i = begin; i < end; ++i) part += lines[i];
    PipelineCallbacks callbacks;
    callbacks.batch = [&](ScoredBatch& batch) {
      for (const TraceResult& trace : batch.traces) builder.AddTrace(trace);
      return Status::OK();
    };
    EXPECT_TRUE(
        RunPipeline(suite_, {dir_.Write("part.jsonl", part).string()}, PipelineOptions{}, callbacks)
            .ok());
  };
  ScorecardBuilder whole(suite_);
  build(0, lines.size(), whole);
  for (size_t cut : {size_t{0}, size_t{3}, size_t{7}, lines.size() - 2}) {
    ScorecardBuilder first(suite_), second(suite_);
    build(0, cut, first);
    build(cut, lines.size(), second);
    ScorecardBuilder merged(ScorecardSuite::Of(suite_), kDefaultMaxErrorRate);
    ASSERT_TRUE(merged.MergeState(nlohmann::json::parse(first.State().dump())).ok());
    ASSERT_TRUE(merged.MergeState(nlohmann::json::parse(second.State().dump())).ok());
    EXPECT_EQ(merged.Json().dump(), whole.Json().dump()) << "cut at " << cut;
    EXPECT_EQ(merged.Markdown(), whole.Markdown()) << "cut at " << cut;
    EXPECT_EQ(merged.Html(), whole.Html()) << "cut at " << cut;
  }
  ScorecardBuilder other(ScorecardSuite::Of(suite_), kDefaultMaxErrorRate);
  EXPECT_FALSE(other.MergeState(nlohmann::json::parse(R"({"evaluators": []})")).ok());
}

// What `arbiter run` does: each batch tallied on its own (on a worker) and the batch tallies
// merged in input order give the builder that added every trace, for any batch size.
TEST_F(PopulationScorecardTest, BatchTalliesMergeIntoTheWholeScorecard) {
  const std::string traces = SampledTraces() + Trace(20, true, true, "") + "not json\n" +
                             Trace(21, false, true, R"({"stratum": "a"})") +
                             Trace(22, true, false, "");
  const std::string path = dir_.Write("batches.jsonl", traces).string();
  ScorecardBuilder whole(suite_);
  // 256 first: one batch, which also builds `whole` trace by trace.
  for (size_t batch_size : {size_t{256}, size_t{1}, size_t{2}, size_t{5}}) {
    ScorecardBuilder merged(suite_);
    size_t batches = 0;
    PipelineCallbacks callbacks;
    callbacks.batch = [&](ScoredBatch& batch) {
      ScorecardBuilder part(suite_);
      for (const TraceResult& trace : batch.traces) {
        part.AddTrace(trace);
        if (batch_size == 256) whole.AddTrace(trace);
      }
      merged.Merge(part);
      ++batches;
      return Status::OK();
    };
    PipelineOptions options;
    options.batch_size = batch_size;
    options.threads = 3;
    ASSERT_TRUE(RunPipeline(suite_, {path}, options, callbacks).ok());
    if (batch_size == 256) {
      EXPECT_EQ(batches, 1u);
    } else if (batch_size == 1) {
      EXPECT_GT(batches, 10u);
    }
    EXPECT_EQ(merged.Json().dump(), whole.Json().dump()) << batch_size;
    EXPECT_EQ(merged.Markdown(), whole.Markdown()) << batch_size;
  }
}

SampleMark ReadMark(const std::string& json) {
  simdjson::dom::parser parser;
  return ReadSampleMark(parser.parse(json));
}

TEST(SampleMarkTest, ReadsValidMarksAndKeysCellsApart) {
  SampleMark mark = ReadMark(R"({"stratum": "billing", "failure": true, "weight": 12.5})");
  ASSERT_EQ(mark.state, SampleMark::State::kValid) << mark.error;
  EXPECT_EQ(mark.weight, 12.5);
  EXPECT_EQ(mark.cell, SampleCellKey("billing", true, ""));
  EXPECT_EQ(ReadMark(R"({"stratum": "b", "failure": false, "weight": 3})").weight, 3.0);
  SampleMark focus = ReadMark(R"({"stratum": "b", "failure": true, "weight": 1, "focus": "x"})");
  EXPECT_EQ(focus.cell, SampleCellKey("b", true, "x"));
  // Distinct cells, even when texts could be run together.
  EXPECT_NE(SampleCellKey("b", true, "x"), SampleCellKey("b", true, ""));
  EXPECT_NE(SampleCellKey("b", true, ""), SampleCellKey("b", false, ""));
  EXPECT_NE(SampleCellKey("a1", false, ""), SampleCellKey("a", true, "0"));
  EXPECT_NE(SampleCellKey("a", false, "1"), SampleCellKey("a0", true, ""));
  // A focus cell spans strata and failure flags: one reservoir in the sampler, one cell here.
  EXPECT_EQ(SampleCellKey("a", false, "x"), SampleCellKey("b", true, "x"));
}

TEST(SampleMarkTest, MalformedMarksSayWhy) {
  struct Case {
    const char* json;
    const char* error;
  } cases[] = {
      {R"("billing")", "_sample: must be an object"},
      {R"({"failure": true, "weight": 2})", "_sample: missing 'stratum'"},
      {R"({"stratum": 3, "failure": true, "weight": 2})", "_sample: 'stratum' must be a string"},
      {R"({"stratum": "a", "weight": 2})", "_sample: missing 'failure'"},
      {R"({"stratum": "a", "failure": "yes", "weight": 2})",
       "_sample: 'failure' must be true or false"},
      {R"({"stratum": "a", "failure": true})", "_sample: missing 'weight'"},
      {R"({"stratum": "a", "failure": true, "weight": 0.5})",
       "_sample: 'weight' must be a number >= 1, got 0.5"},
      {R"({"stratum": "a", "failure": true, "weight": "12"})",
       "_sample: 'weight' must be a number >= 1, got \"12\""},
      {R"({"stratum": "a", "failure": true, "weight": 2, "focus": 1})",
       "_sample: 'focus' must be a string"},
  };
  for (const Case& c : cases) {
    SampleMark mark = ReadMark(c.json);
    EXPECT_EQ(mark.state, SampleMark::State::kMalformed) << c.json;
    EXPECT_EQ(mark.error, c.error) << c.json;
  }
}

}  // namespace
}  // namespace arbiter
