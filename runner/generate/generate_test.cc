// The search on the bundled seed labels and on labels made here: it finds what is there
// (invented citations, a planted phrase), reports what it cannot judge, and finds nothing in
// shuffled labels. Traces stay in memory: the search is a library call.
#include "runner/generate/generate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "plugins/register_builtins.h"
#include "runner/calibration/calibration.h"
#include "runner/generate/candidate_search.h"
#include "runner/generate/draft_files.h"
#include "runner/generate/generate_test_util.h"
#include "runner/generate/judge_draft.h"
#include "runner/generate/labeled_traces.h"
#include "runner/labels/label_store.h"
#include "runner/stats/threshold_search.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

TEST_F(SeedSearch, CitationsDraftAgreesAtLeastAsWellAsTheHandWrittenOne) {
  Result<std::vector<ModeResult>> modes =
      SearchDrafts(BuildConsensus(*labels_), *traces_, *registry_, suite_, SearchOptions());
  ASSERT_TRUE(modes.ok()) << modes.status().message();
  const ModeResult& mode = Mode(*modes, "invented-citation");
  const DraftCandidate* draft = nullptr;
  for (const DraftCandidate& c : mode.candidates) {
    if (c.kind == "citations" && c.written) draft = &c;
  }
  ASSERT_NE(draft, nullptr) << GenerateMarkdown(Context("support-seed@v1"), *modes);
  ASSERT_EQ(mode.existing.size(), 1u);
  EXPECT_EQ(mode.existing[0].id, "citation-grounded");
  EXPECT_GE(draft->figures.held_out_mcc, mode.existing[0].figures.held_out_mcc);
  EXPECT_GE(draft->figures.held_out_mcc, 0.4);
  EXPECT_NE(DraftYaml("support-seed@v1", mode, *draft).find("plugin: citations"),
            std::string::npos);
}

TEST_F(SeedSearch, ModeWithTooFewLabelsIsReportedNotGuessed) {
  Result<std::vector<ModeResult>> modes =
      SearchDrafts(BuildConsensus(*labels_), *traces_, *registry_, nullptr, SearchOptions());
  ASSERT_TRUE(modes.ok());
  const ModeResult& mode = Mode(*modes, "answer-too-long");
  EXPECT_EQ(mode.skipped,
            "4 failing labels and 10 passing labels with their traces; needs 5 of each");
  EXPECT_TRUE(mode.candidates.empty());
  EXPECT_NE(GenerateMarkdown(Context("support-seed@v1"), *modes).find("Skipped: 4 failing labels"),
            std::string::npos);
}

TEST_F(SeedSearch, SameInputsGiveTheSameReport) {
  auto report = [&] {
    Result<std::vector<ModeResult>> modes =
        SearchDrafts(BuildConsensus(*labels_), *traces_, *registry_, suite_, SearchOptions());
    return modes.ok() ? GenerateMarkdown(Context("support-seed@v1"), *modes) : std::string();
  };
  std::string first = report();
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, report());
}

// A failure mode whose failing answers share a phrase, made by a seeded generator: the search
// recovers it as a contains or regex draft with held-out MCC >= 0.8.
TEST(PlantedPhrase, IsRecoveredAsContainsOrRegex) {
  PluginRegistry registry;
  ASSERT_TRUE(RegisterBuiltinPlugins(registry).ok());
  const std::vector<std::string> words = {
      "your",  "order", "account", "the",   "we",       "have", "checked", "and",  "it",
      "looks", "fine",  "thanks",  "for",   "reaching", "out",  "invoice", "plan", "update",
      "today", "team",  "support", "again", "details",  "sent", "email",   "link", "settings"};
  std::mt19937_64 rng(7);
  std::vector<LabeledTrace> traces;
  std::vector<Label> labels;
  for (int i = 0; i < 160; ++i) {
    bool fail = i % 2 == 0;
    std::string output;
    size_t length = 20 + rng() % 30;
    size_t at = rng() % length;
    for (size_t w = 0; w < length; ++w) {
      if (fail && w == at)
        output += "Please allow " + std::to_string(3 + rng() % 5) + " to 10 business days ";
      output += words[rng() % words.size()] + " ";
    }
    char id[16];
    std::snprintf(id, sizeof id, "p-%04d", i);
    traces.push_back(
        {id, std::string("{\"trace_id\":\"") + id + "\",\"output\":\"" + output + "\"}"});
    labels.push_back({id, "planted", fail ? "fail" : "pass", "test", "", "", 0});
  }
  Result<std::vector<ModeResult>> modes =
      SearchDrafts(BuildConsensus(labels), traces, registry, nullptr, SearchOptions());
  ASSERT_TRUE(modes.ok()) << modes.status().message();
  ASSERT_EQ(modes->size(), 1u);
  const DraftCandidate* best = nullptr;
  for (const DraftCandidate& c : modes->front().candidates) {
    if (c.written && (c.kind == "contains" || c.kind == "regex") &&
        (!best || c.figures.held_out_mcc > best->figures.held_out_mcc)) {
      best = &c;
    }
  }
  ASSERT_NE(best, nullptr) << GenerateMarkdown(Context("planted@v1"), *modes);
  EXPECT_GE(best->figures.held_out_mcc, 0.8) << best->summary;
}

// The judge draft shows as many passing as failing examples even when one class is short on the
// calibration split, only calibration traces, and notes of the held-out split nowhere.
TEST(JudgeDraft, ExamplesAreBalancedAndFromTheCalibrationSplit) {
  std::vector<LabeledTrace> traces;
  std::vector<Label> labels;
  size_t calibration_fails = 0;
  for (int i = 0; i < 40; ++i) {
    std::string id = "jd-" + std::to_string(i);
    bool held_out = IsHeldOut(id);
    // Two failing calibration traces; every held-out trace fails.
    bool fail = held_out || (calibration_fails < 2 && i % 3 == 0);
    calibration_fails += fail && !held_out;
    traces.push_back({id, R"({"trace_id": ")" + id + R"(", "output": "answer )" + id + R"("})"});
    labels.push_back(
        {id, "m", fail ? "fail" : "pass", "r", "", held_out ? "held-out note" : "", 0});
  }
  ASSERT_EQ(calibration_fails, 2u);
  std::map<std::string, ConsensusSet> consensus = BuildConsensus(labels);
  ModeResult mode;
  mode.failure_mode = "m";
  JudgeDraftInput input;
  input.label_set = "jd@v1";
  input.mode = &mode;
  input.consensus = &consensus.at("m");
  input.labels = &labels;
  input.traces = &traces;
  JudgeDraft draft = DraftJudge(input);
  EXPECT_EQ(draft.fail_examples.size(), 2u);
  EXPECT_EQ(draft.pass_examples.size(), 2u);
  for (const std::vector<std::string>* ids : {&draft.fail_examples, &draft.pass_examples}) {
    for (const std::string& id : *ids) {
      EXPECT_FALSE(IsHeldOut(id)) << id;
      EXPECT_NE(draft.rubric.find("(trace " + id + ")"), std::string::npos) << id;
    }
  }
  EXPECT_EQ(draft.rubric.find("held-out note"), std::string::npos);
  EXPECT_EQ(draft.rubric_file, "rubrics/m.md");
  EXPECT_EQ(draft.yaml_file, "m-llm-judge.yaml");
  EXPECT_EQ(DraftJudge(input).rubric, draft.rubric);
}

TEST(ReadLabeledTracesTest, LinesThatRunRefusesAreSkippedWithRunsReason) {
  // "not valid JSON" said nothing of why, and a trace with a field of the wrong type (which
  // `run` refuses) was drafted on.
  testing::TempDir dir;
  auto file = dir.Write("t.jsonl",
                        "{\"trace_id\": \"a\", \"output\": broken}\n"
                        "{\"trace_id\": \"b\", \"messages\": 1}\n{\"trace_id\": \"c\"}\n");
  std::FILE* diagnostics = std::tmpfile();
  ASSERT_NE(diagnostics, nullptr);
  uint64_t skipped = 0;
  auto traces = ReadLabeledTraces({file.string()}, {"a", "b", "c"}, diagnostics, skipped);
  ASSERT_TRUE(traces.ok()) << traces.status().message();
  ASSERT_EQ(traces->size(), 1u);
  EXPECT_EQ((*traces)[0].id, "c");
  EXPECT_EQ(skipped, 2u);
  std::rewind(diagnostics);
  std::string said;
  for (int c; (c = std::fgetc(diagnostics)) != EOF;) said += static_cast<char>(c);
  std::fclose(diagnostics);
  EXPECT_THAT(said, ::testing::HasSubstr(file.string() + ":1: not valid JSON at column 29: "));
  EXPECT_THAT(said,
              ::testing::HasSubstr(file.string() + ":2: field 'messages' must be an array, got"));
}

}  // namespace
}  // namespace arbiter
