// The warnings of a run (run_warnings.h): each case in process through RunSuite, what
// `arbiter run` calls, with the message a user reads and the JSON a machine reads.
#include "runner/scoring/run_warnings.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plugins/register_builtins.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/scoring/run_suite.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::TempDir;

TEST(ReasonTallyTest, MostCommonTiesGoToTheFirstSeen) {
  ReasonTally tally;
  EXPECT_EQ(tally.Suffix(), "");
  tally.Add("b");
  tally.Add("a");
  tally.Add("a");
  tally.Add("b");
  tally.Add("c");
  EXPECT_EQ(tally.MostCommon(), (std::pair<std::string, uint64_t>{"b", 2}));
  EXPECT_EQ(tally.Suffix(), " (most common: b, 2 of 5)");
  ReasonTally one;
  one.Add("x");
  one.Add("x");
  EXPECT_EQ(one.Suffix(), " (x)");
}

TEST(ReasonTallyTest, KeepsABoundedNumberOfReasons) {
  ReasonTally tally;
  for (size_t i = 0; i < 3 * ReasonTally::kMaxDistinct; ++i) tally.Add(std::to_string(i));
  EXPECT_EQ(tally.Json()["kept"].size(), ReasonTally::kMaxDistinct);
  const std::string kept = tally.MostCommon().first;  // all once: the first seen of those kept
  tally.Add(kept);
  EXPECT_EQ(tally.total(), 3 * ReasonTally::kMaxDistinct + 1);
  EXPECT_EQ(tally.MostCommon(), (std::pair<std::string, uint64_t>{kept, 2}));
}

// A stream cut anywhere into parts whose tallies are merged in order gives the tally of the
// whole, even past the bound on distinct reasons: `arbiter merge` relies on it.
TEST(ReasonTallyTest, TalliesOfPartsMergeIntoTheWhole) {
  std::vector<std::string> stream;
  for (size_t i = 0; i < 5 * ReasonTally::kMaxDistinct; ++i) {
    stream.push_back("reason " + std::to_string(i % 97));
    stream.push_back("unique " + std::to_string(i));
  }
  // Each reason with the trace that gave it, so the kept examples are checked too.
  auto add = [&](ReasonTally& tally, size_t i) { tally.Add(stream[i], "t-" + std::to_string(i)); };
  ReasonTally whole;
  for (size_t i = 0; i < stream.size(); ++i) add(whole, i);
  for (size_t cut : {size_t{1}, size_t{77}, stream.size() / 2, stream.size() - 1}) {
    ReasonTally first, second;
    for (size_t i = 0; i < stream.size(); ++i) add(i < cut ? first : second, i);
    Result<ReasonTally> read = ReasonTally::FromJson(nlohmann::json::parse(second.Json().dump()));
    ASSERT_TRUE(read.ok());
    first.Merge(*read);
    EXPECT_EQ(first.Json(), whole.Json()) << "cut at " << cut;
    EXPECT_EQ(first.Suffix(), whole.Suffix());
  }
}

TEST(ReasonTallyTest, KeepsTheFirstExamplesOfEachReasonMostCommonFirst) {
  ReasonTally tally;
  for (int i = 0; i < 5; ++i) tally.Add("timeout", "t-" + std::to_string(i));
  tally.Add("bad json", "t-9");
  tally.Add("refused");  // no example
  tally.Add("bad json", "t-10");
  const std::vector<ReasonTally::Group> top = tally.Top(10);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].reason, "timeout");
  EXPECT_EQ(top[0].count, 5u);
  EXPECT_THAT(top[0].examples, ElementsAre("t-0", "t-1", "t-2"));
  EXPECT_EQ(top[1].reason, "bad json");
  EXPECT_THAT(top[1].examples, ElementsAre("t-9", "t-10"));
  EXPECT_EQ(top[2].reason, "refused");
  EXPECT_TRUE(top[2].examples.empty());
  EXPECT_EQ(tally.Top(1).size(), 1u);
  // A state with more examples than a tally keeps is refused, not truncated silently.
  EXPECT_FALSE(
      ReasonTally::FromJson(
          nlohmann::json::parse(R"({"total": 4, "kept": [["r", 4, 0, ["a","b","c","d"]]]})"))
          .ok());
}

class RunWarningsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(RegisterBuiltinPlugins(registry_).ok()); }

  // Runs a suite of the given evaluator declarations (e0.yaml, e1.yaml, ...) and `strata` over
  // `traces`; returns its warnings, checking that scorecard.json carries the same.
  std::vector<RunWarning> Warnings(const std::vector<std::string>& declarations,
                                   const std::string& traces, const std::string& strata = "",
                                   double max_error_rate = kDefaultMaxErrorRate, int threads = 1) {
    std::string list;
    for (size_t i = 0; i < declarations.size(); ++i) {
      dir_.Write("e" + std::to_string(i) + ".yaml", declarations[i]);
      list += (i ? ", e" : "e") + std::to_string(i) + ".yaml";
    }
    Result<Suite> suite = LoadSuite(
        dir_.Write("suite.yaml", "name: s\nevaluators: [" + list + "]\n" + strata), registry_);
    EXPECT_TRUE(suite.ok()) << suite.status().ToString();
    if (!suite.ok()) return {};
    suite_ = std::move(*suite);
    RunSuiteOptions options;
    options.traces = {dir_.Write("traces.jsonl", traces).string()};
    options.out = dir_.path() / "out";
    options.max_error_rate = max_error_rate;
    options.threads = threads;
    options.batch_size = 3;
    Result<RunSuiteResult> run = RunSuite(suite_, options);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    if (!run.ok()) return {};
    card_ = nlohmann::ordered_json::parse(ReadFile(options.out / "scorecard.json"));
    markdown_ = ReadFile(options.out / "scorecard.md");
    EXPECT_EQ(card_["warnings"], WarningsJson(run->warnings));
    return run->warnings;
  }

  // The message of the only warning, which must be of `kind` about `evaluator` ("" for the run).
  static std::string Only(const std::vector<RunWarning>& warnings, const std::string& evaluator,
                          const std::string& kind) {
    EXPECT_EQ(warnings.size(), 1u);
    if (warnings.size() != 1) return "";
    EXPECT_EQ(warnings[0].evaluator, evaluator);
    EXPECT_EQ(warnings[0].kind, kind);
    return warnings[0].message;
  }

  static std::vector<std::string> Kinds(const std::vector<RunWarning>& warnings) {
    std::vector<std::string> kinds;
    for (const RunWarning& warning : warnings) kinds.push_back(warning.kind);
    return kinds;
  }

  static std::string Traces(int count) {
    std::string text;
    for (int i = 0; i < count; ++i) {
      text += "{\"trace_id\": \"t-" + std::to_string(i) + "\", \"output\": \"answer " +
              std::to_string(i) + "\", \"metadata\": {\"intent\": \"billing\"}}\n";
    }
    return text;
  }

  PluginRegistry registry_;
  TempDir dir_;
  Suite suite_;
  nlohmann::ordered_json card_;
  std::string markdown_;
};

constexpr char kShort[] = "id: short\nversion: 1\nplugin: length\nparams: {max_chars: 100}\n";

TEST_F(RunWarningsTest, AHealthyRunHasNone) {
  EXPECT_TRUE(Warnings({kShort}, Traces(5), "strata: [metadata.intent]\n").empty());
  EXPECT_EQ(card_["warnings"], nlohmann::ordered_json::array());
  EXPECT_THAT(markdown_, ::testing::Not(HasSubstr("Warnings")));
}

TEST_F(RunWarningsTest, ATargetTypoJudgesNoTraceAndSaysWhy) {
  std::vector<RunWarning> warnings =
      Warnings({kShort,
                "id: cites\nversion: 2\nplugin: length\ntarget: outptu\n"
                "params: {max_chars: 100}\n"},
               Traces(4));
  EXPECT_EQ(Only(warnings, "cites", "no_trace_judged"),
            "cites judged no trace: 4 of 4 traces are errors (target path 'outptu' is missing "
            "from the trace)");
  EXPECT_EQ(card_["warnings"][0]["evaluator"], "cites");
  EXPECT_THAT(markdown_, HasSubstr("## Warnings\n\n- cites judged no trace: 4 of 4"));
}

TEST_F(RunWarningsTest, AnErrorShareAboveTheLimitNamesTheMostCommonError) {
  dir_.Write("err.lua",
             "function evaluate(trace)\n"
             "  if trace.trace_id == 't-0' then return 1 end\n"
             "  if trace.trace_id == 't-1' then error('odd one') end\n"
             "  error('no verdict')\n"
             "end\n");
  const std::string lua = "id: scripted\nversion: 1\nplugin: lua\nparams: {script: err.lua}\n";
  std::string message = Only(Warnings({lua}, Traces(4)), "scripted", "error_rate");
  EXPECT_THAT(message, HasSubstr("scripted: 3 of 4 traces are errors, more than --max-error-rate "
                                 "0.5 allows (most common: "));
  EXPECT_THAT(message, HasSubstr("no verdict"));
  EXPECT_THAT(message, HasSubstr(", 2 of 3)"));
  EXPECT_TRUE(Warnings({lua}, Traces(4), "", 0.75).empty());
}

TEST_F(RunWarningsTest, AWhenThatNeverHeld) {
  std::vector<RunWarning> warnings =
      Warnings({"id: billing\nversion: 1\nplugin: length\nparams: {max_chars: 100}\n"
                "when: \"metadata.intnet == 'billing'\"\n"},
               Traces(3));
  EXPECT_EQ(Only(warnings, "billing", "when_never_held"),
            "billing judged no trace: its when `metadata.intnet == 'billing'` held on none of the "
            "3 traces");
}

TEST_F(RunWarningsTest, AStrataPathNoTraceHas) {
  std::vector<RunWarning> warnings =
      Warnings({kShort}, Traces(3), "strata: [metadata.intent, metadata.intnet]\n");
  EXPECT_THAT(Only(warnings, "", "strata_path_missing"),
              HasSubstr("strata path 'metadata.intnet' is missing on every trace (3 of 3)"));
  EXPECT_TRUE(card_["warnings"][0]["evaluator"].is_null());
}

TEST_F(RunWarningsTest, EveryInputLineBrokenIsOneWarningForTheRun) {
  std::vector<RunWarning> warnings = Warnings({kShort}, "{broken\n{also broken\n[1]\n");
  EXPECT_THAT(Only(warnings, "", "all_input_broken"),
              HasSubstr("every input line is broken: 3 skipped, no trace "
                        "scored (most common: not valid JSON"));
  EXPECT_THAT(Kinds(Warnings({kShort}, "")), ElementsAre("no_input"));
}

TEST_F(RunWarningsTest, ASkippedJudgeIsAWarning) {
  dir_.Write("rubric.md", "---\nid: polite\nversion: 1\nscale: binary\n---\n{{output}}\n");
  std::vector<RunWarning> warnings =
      Warnings({kShort,
                "id: polite\nversion: 1\nplugin: llm_judge\ntarget: output\n"
                "params: {provider: openai, rubric: rubric.md, model: m, api_key_env: "
                "ARBITER_TEST_UNSET_KEY}\n"},
               Traces(2));
  EXPECT_THAT(
      Only(warnings, "polite", "judge_skipped"),
      ::testing::AllOf(HasSubstr("polite was skipped: "), HasSubstr("ARBITER_TEST_UNSET_KEY")));
}

// Counted in input order: the same warnings, in the same order, whatever the thread count.
TEST_F(RunWarningsTest, TheSameForAnyThreadCount) {
  dir_.Write("err.lua",
             "function evaluate(trace)\n"
             "  error('trace ' .. trace.trace_id)\n"
             "end\n");
  const std::string lua = "id: scripted\nversion: 1\nplugin: lua\nparams: {script: err.lua}\n";
  std::string traces = Traces(40) + "{broken\n";
  std::string one = WarningsJson(Warnings({lua, kShort}, traces, "", 0.5, 1)).dump();
  EXPECT_THAT(one, HasSubstr("(most common: "));
  for (int threads : {2, 7}) {
    EXPECT_EQ(WarningsJson(Warnings({lua, kShort}, traces, "", 0.5, threads)).dump(), one);
  }
}

}  // namespace
}  // namespace arbiter
