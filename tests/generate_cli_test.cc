// `arbiter generate` with the real binary on the bundled seed labels: the drafts it writes load
// with `arbiter validate`, and `arbiter calibrate` on them reports the figures generate
// predicted (held-out MCC through calibrate's threshold search on the same split, MCC on all
// labels).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "runner/stats/threshold_search.h"
#include "tests/cli_util.h"
#include "tests/judge_server/judge_server.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::JudgeServer;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

// The number after `prefix` in `text`, or NaN.
double NumberAfter(const std::string& text, const std::string& prefix) {
  size_t at = text.find(prefix);
  if (at == std::string::npos) return std::nan("");
  return std::stod(text.substr(at + prefix.size()));
}

TEST(GenerateCli, SeedDraftsValidateAndCalibrateAsPredicted) {
  TempDir dir;
  std::string out = (dir.path() / "drafts").string();
  auto generated = RunArbiter(
      "generate --labels support-seed@v1 --traces datasets/demo/traces.jsonl "
      "--suite evaluators/suites/demo.yaml --out " +
      out);
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  EXPECT_THAT(generated.out, HasSubstr("invented-citation-citations.yaml"));
  EXPECT_THAT(generated.out, HasSubstr("answer-too-long            skipped: 4 failing labels"));
  std::string report = ReadFile(std::filesystem::path(out) / "generate.md");
  EXPECT_THAT(report, HasSubstr("| suite | citation-grounded v1 |"));

  // Every draft validates, the judge drafts with their rubrics; the rule drafts, in a suite of
  // their own, are calibrated (a judge's figures need a judge endpoint).
  const std::string head =
      "name: drafts\ngate: { tolerance: 0.02, gate_mcc: 0.6, signal_mcc: 0.4 }\n"
      "evaluators:\n";
  std::string suite = head, every = head;
  std::map<std::string, std::string> drafts;  // id -> YAML, the rule drafts
  size_t judges = 0;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    if (entry.path().extension() != ".yaml") continue;
    std::string line = "  - drafts/" + entry.path().filename().string() + "\n";
    every += line;
    std::string yaml = ReadFile(entry.path());
    if (yaml.find("\nplugin: llm_judge\n") != std::string::npos) {
      ++judges;
      continue;
    }
    suite += line;
    drafts[entry.path().stem().string()] = yaml;
  }
  ASSERT_TRUE(drafts.count("invented-citation-citations")) << generated.out;
  EXPECT_THAT(generated.out, HasSubstr("pii-leak-llm-judge.yaml"));
  EXPECT_GT(judges, 0u);
  std::filesystem::path every_file = dir.path() / "every-draft.yaml";
  std::ofstream(every_file) << every;
  auto validated = RunArbiter("validate --suite " + every_file.string());
  EXPECT_EQ(validated.exit_code, 0) << validated.err;
  EXPECT_THAT(validated.out, HasSubstr("pii-leak-llm-judge v1  plugin llm_judge"));
  std::filesystem::path suite_file = dir.path() / "drafts.yaml";
  std::ofstream(suite_file) << suite;

  std::string calibration = (dir.path() / "calibration").string();
  auto calibrated = RunArbiter("calibrate --suite " + suite_file.string() +
                               " --traces datasets/demo/traces.jsonl --labels support-seed@v1 "
                               "--no-history --out " +
                               calibration);
  ASSERT_EQ(calibrated.exit_code, 0) << calibrated.err;
  auto json =
      nlohmann::json::parse(ReadFile(std::filesystem::path(calibration) / "calibration.json"));
  ASSERT_EQ(json["evaluators"].size(), drafts.size());
  for (const auto& e : json["evaluators"]) {
    const std::string& yaml = drafts[e["id"].get<std::string>()];
    SCOPED_TRACE(e["id"].get<std::string>());
    EXPECT_NEAR(e["mcc"].get<double>(), NumberAfter(yaml, "reports): MCC "), 1e-4);
    EXPECT_NEAR(e["threshold_search"]["held_out_mcc"].get<double>(),
                NumberAfter(yaml, "# Held-out MCC "), 0.005);
    EXPECT_NE(e["role"], "revise");
  }
}

TEST(GenerateCli, SameInputsGiveTheSameBytes) {
  TempDir dir;
  std::string args = "generate --labels support-seed@v1 --traces datasets/demo/traces.jsonl --out ";
  ASSERT_EQ(RunArbiter(args + (dir.path() / "a").string()).exit_code, 0);
  ASSERT_EQ(RunArbiter(args + (dir.path() / "b").string()).exit_code, 0);
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path() / "a")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    auto relative = std::filesystem::relative(entry.path(), dir.path() / "a");
    EXPECT_EQ(ReadFile(entry.path()), ReadFile(dir.path() / "b" / relative)) << relative;
  }
  EXPECT_GT(files, 1u);
}

// A label set planted by a seeded generator: its traces and labels written, the labels
// imported, `generate` run on them with `--out DIR/drafts`.
class PlantedLabels {
 public:
  void Add(const std::string& id, const std::string& trace_json, bool fail,
           const std::string& note = "") {
    traces_ += trace_json + "\n";
    labels_ += R"({"trace_id": ")" + id + R"(", "failure_mode": "planted", "label": ")" +
               (fail ? "fail" : "pass") + R"(", "reviewer": "gen", "note": ")" + note + "\"}\n";
  }

  // Runs `generate` on the planted labels; the drafts land in drafts().
  testing::CommandResult Generate(const std::string& extra = "") {
    std::ofstream(dir_.path() / "traces.jsonl") << traces_;
    std::ofstream(dir_.path() / "labels.jsonl") << labels_;
    auto imported = RunArbiter("labels import --name planted --reviewer gen --from " +
                               (dir_.path() / "labels.jsonl").string() + " --root " + Root());
    EXPECT_EQ(imported.exit_code, 0) << imported.err;
    return RunArbiter("generate --labels planted@v1 --labels-root " + Root() + " --traces " +
                      (dir_.path() / "traces.jsonl").string() + " --out " + drafts().string() +
                      " " + extra);
  }

  std::filesystem::path drafts() const { return dir_.path() / "drafts"; }

  // `arbiter validate` on a suite of the draft `file` alone.
  testing::CommandResult Validate(const std::string& file) const {
    std::filesystem::path suite = dir_.path() / "planted-suite.yaml";
    std::ofstream(suite) << "name: planted\nevaluators:\n  - drafts/" << file << "\n";
    return RunArbiter("validate --suite " + suite.string());
  }

 private:
  std::string Root() const { return (dir_.path() / "labels").string(); }

  TempDir dir_;
  std::string traces_, labels_;
};

std::string RandomWords(std::mt19937_64& rng, size_t count) {
  static const char* const kWords[] = {"order",   "account", "checked", "looks",  "fine",
                                       "thanks",  "invoice", "plan",    "update", "today",
                                       "support", "details", "sent",    "link",   "settings"};
  std::string text;
  for (size_t w = 0; w < count; ++w) text += std::string(w ? " " : "") + kWords[rng() % 15];
  return text;
}

// Failing answers are JSON without the `sources` field every passing answer has, JSON whose
// `escalate` is a string where passing ones have a boolean, or no JSON at all: the search drafts
// a json_schema evaluator that requires the field and the type, which validates.
TEST(GenerateCli, PlantedMissingJsonFieldIsDraftedAsJsonSchema) {
  PlantedLabels planted;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 120; ++i) {
    bool fail = i % 2 == 0;
    std::string id = "j-" + std::to_string(1000 + i);
    std::string answer = RandomWords(rng, 5 + rng() % 10);
    std::string escalate = fail && i % 6 == 4 ? R"(\"false\")" : "false";
    std::string output = R"({\"answer\": \")" + answer + R"(\", \"escalate\": )" + escalate;
    if (!fail || i % 6 == 4) {
      output += R"(, \"sources\": [\"KB-)" + std::to_string(rng() % 900) + R"(\"])";
    }
    output += "}";
    if (fail && i % 6 == 0) output = "Sure! " + answer;
    planted.Add(id, R"({"trace_id": ")" + id + R"(", "input": "q", "output": ")" + output + R"("})",
                fail);
  }
  auto generated = planted.Generate();
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  std::filesystem::path draft = planted.drafts() / "planted-json-schema.yaml";
  ASSERT_TRUE(std::filesystem::exists(draft))
      << generated.out << ReadFile(planted.drafts() / "generate.md");
  std::string yaml = ReadFile(draft);
  EXPECT_THAT(yaml, HasSubstr("required: ['answer', 'escalate', 'sources']"));
  EXPECT_THAT(yaml, HasSubstr("'escalate': {type: 'boolean'}"));
  EXPECT_GE(NumberAfter(yaml, "# Held-out MCC "), 0.8) << yaml;
  auto validated = planted.Validate("planted-json-schema.yaml");
  EXPECT_EQ(validated.exit_code, 0) << validated.err;
}

// Failures only among the refund requests, where failing answers run long; other intents answer
// at any length. A length bound over every trace agrees poorly; restricted to the intent it
// agrees, and the draft carries the `when:` condition.
TEST(GenerateCli, PlantedSliceIsDraftedWithWhen) {
  PlantedLabels planted;
  std::mt19937_64 rng(5);
  const char* const intents[] = {"billing", "shipping", "refund", "account"};
  for (int i = 0; i < 200; ++i) {
    std::string intent = intents[i % 4];
    bool fail = intent == "refund" && i % 8 == 2;
    size_t words = fail ? 60 + rng() % 30 : intent == "refund" ? 10 + rng() % 30 : 10 + rng() % 80;
    std::string id = "s-" + std::to_string(1000 + i);
    planted.Add(id,
                R"({"trace_id": ")" + id + R"(", "input": "q", "output": ")" +
                    RandomWords(rng, words) + R"(", "metadata": {"intent": ")" + intent +
                    R"(", "language": ")" + (rng() % 2 ? "en" : "de") + R"("}})",
                fail);
  }
  auto generated = planted.Generate();
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  std::string report = ReadFile(planted.drafts() / "generate.md");
  EXPECT_THAT(report, HasSubstr("Failures concentrate where `metadata.intent == 'refund'`"));
  std::filesystem::path draft = planted.drafts() / "planted-length.yaml";
  ASSERT_TRUE(std::filesystem::exists(draft)) << generated.out << report;
  std::string yaml = ReadFile(draft);
  EXPECT_THAT(yaml, HasSubstr("when: \"metadata.intent == 'refund'\"\n"));
  EXPECT_GE(NumberAfter(yaml, "# Held-out MCC "), 0.8) << yaml;
  auto validated = planted.Validate("planted-length.yaml");
  EXPECT_EQ(validated.exit_code, 0) << validated.err;
}

// Labels that no rule can follow (drawn at random), on answers that quote a customer's e-mail
// address: generate drafts a judge instead. Its rubric shows as many failing as passing
// examples, all from the calibration split and labeled as shown, with the addresses redacted,
// and the judge's YAML validates.
TEST(GenerateCli, NoSignalDraftsARedactedBalancedJudge) {
  PlantedLabels planted;
  std::mt19937_64 rng(3);
  std::map<std::string, bool> labeled;  // trace id -> fail
  for (int i = 0; i < 60; ++i) {
    bool fail = rng() % 2 == 0;
    std::string id = "n-" + std::to_string(1000 + i);
    std::string email = "jane.doe" + std::to_string(i) + "@example.com";
    planted.Add(id,
                R"({"trace_id": ")" + id + R"(", "input": "Please write to )" + email +
                    R"(", "output": "We wrote to )" + email + " " + RandomWords(rng, 12) + R"("})",
                fail, i % 5 == 0 ? "the agent quoted " + email : "");
    labeled[id] = fail;
  }
  auto generated = planted.Generate();
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  EXPECT_THAT(generated.out, HasSubstr("planted-llm-judge.yaml"));
  std::filesystem::path rubric_file = planted.drafts() / "rubrics" / "planted.md";
  ASSERT_TRUE(std::filesystem::exists(rubric_file))
      << generated.out << ReadFile(planted.drafts() / "generate.md");
  std::string rubric = ReadFile(rubric_file);
  EXPECT_THAT(rubric, HasSubstr("<EMAIL>"));
  EXPECT_EQ(rubric.find("@example.com"), std::string::npos) << rubric;
  EXPECT_THAT(rubric, HasSubstr("{{output}}"));

  std::regex header(R"(## Example \d+ \(trace ([^)]+)\): score (0|1))");
  size_t fails = 0, passes = 0;
  for (std::sregex_iterator it(rubric.begin(), rubric.end(), header), end; it != end; ++it) {
    std::string id = (*it)[1];
    bool fail = (*it)[2] == "0";
    SCOPED_TRACE(id);
    ASSERT_TRUE(labeled.count(id));
    EXPECT_EQ(labeled[id], fail);
    EXPECT_FALSE(IsHeldOut(id));
    ++(fail ? fails : passes);
  }
  EXPECT_GT(fails, 0u);
  EXPECT_EQ(fails, passes);

  auto validated = planted.Validate("planted-llm-judge.yaml");
  EXPECT_EQ(validated.exit_code, 0) << validated.err;
  EXPECT_THAT(validated.out, HasSubstr("planted-llm-judge v1  plugin llm_judge"));
}

// `--calibrate-judge` runs the judge draft over the held-out labels, on the loopback judge: each
// trace's tool result ends with the score the judge is to answer (past the 1,200 bytes of a
// field an example shows, so the examples in the rubric carry none), which no rule reads. The
// judge is called once per held-out label and agrees with all of them. Without a key the flag
// is a usage error.
TEST(GenerateCli, CalibrateJudgeReportsItsHeldOutMcc) {
  JudgeServer server;
  ASSERT_TRUE(server.ok());
  PlantedLabels planted;
  std::mt19937_64 rng(9);
  size_t held_out = 0;
  for (int i = 0; i < 60; ++i) {
    bool fail = rng() % 2 == 0;
    std::string id = "c-" + std::to_string(1000 + i);
    held_out += IsHeldOut(id);
    std::string result = std::string(1400, '.') + " judge:score=" + (fail ? "0" : "1");
    planted.Add(id,
                R"({"trace_id": ")" + id + R"(", "input": "q", "output": ")" +
                    RandomWords(rng, 12) +
                    R"(", "tool_calls": [{"name": "lookup", "arguments": {"q": "x"}, "result": ")" +
                    result + R"("}]})",
                fail);
  }
  setenv("JUDGE_BASE_URL", server.openai_base_url().c_str(), 1);
  unsetenv("OPENAI_API_KEY");
  auto keyless = planted.Generate("--calibrate-judge");
  EXPECT_EQ(keyless.exit_code, 2);
  EXPECT_THAT(keyless.err, HasSubstr("--calibrate-judge: planted-llm-judge.yaml"));
  EXPECT_EQ(server.requests(), 0);

  setenv("OPENAI_API_KEY", "sk-generate-test", 1);
  auto generated = planted.Generate("--calibrate-judge");
  unsetenv("OPENAI_API_KEY");
  unsetenv("JUDGE_BASE_URL");
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  EXPECT_THAT(generated.out, HasSubstr("held-out mcc 1.00 [1.00, 1.00] (judge)"));
  EXPECT_EQ(server.requests(), static_cast<int64_t>(held_out));
  std::string report = ReadFile(planted.drafts() / "generate.md");
  EXPECT_THAT(report, HasSubstr("it judged the " + std::to_string(held_out) +
                                " held-out labels at MCC 1.00"));
  EXPECT_EQ(ReadFile(planted.drafts() / "rubrics" / "planted.md").find("judge:score"),
            std::string::npos);
}

TEST(GenerateCli, UnknownFailureModeIsAUsageError) {
  TempDir dir;
  auto result = RunArbiter(
      "generate --labels support-seed@v1 --traces datasets/demo/traces.jsonl "
      "--failure-mode no-such-mode --out " +
      (dir.path() / "d").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("no-such-mode"));
}

}  // namespace
}  // namespace arbiter
