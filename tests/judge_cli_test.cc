// `arbiter run` with LLM judge evaluators against the in-process loopback judge: the seed suite
// end to end, output independent of threads and completion order, the cache across runs, key
// hygiene, skipping without a key, and fault rows.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_util.h"
#include "tests/judge_server/judge_server.h"

namespace arbiter::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "sk-cli-test-4f9c2-secret";
constexpr char kJudgeSuite[] = "evaluators/suites/judge.yaml";

// The first `n` lines of the demo traces.
std::filesystem::path DemoSubset(const TempDir& dir, int n) {
  std::ifstream in("datasets/demo/traces.jsonl");
  std::string line, text;
  for (int i = 0; i < n && std::getline(in, line); ++i) text += line + "\n";
  return dir.Write("traces.jsonl", text);
}

class JudgeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    setenv("JUDGE_BASE_URL", server_.openai_base_url().c_str(), 1);
    setenv("OPENAI_API_KEY", kKey, 1);
  }
  void TearDown() override {
    unsetenv("JUDGE_BASE_URL");
    unsetenv("OPENAI_API_KEY");
  }
  CommandResult Run(const std::string& suite, const std::filesystem::path& traces,
                    const std::filesystem::path& out, const std::string& extra) {
    return RunArbiter("run --quiet --suite " + suite + " --traces " + traces.string() + " --out " +
                      out.string() + " " + extra);
  }

  JudgeServer server_;
  TempDir dir_;
};

TEST_F(JudgeCliTest, SeedSuiteIsIdenticalWhateverTheThreadCount) {
  auto traces = DemoSubset(dir_, 150);
  std::string scores[2], cards[2];
  int threads[2] = {1, 4};
  for (int i = 0; i < 2; ++i) {
    auto out = dir_.path() / ("t" + std::to_string(threads[i]));
    auto run = Run(kJudgeSuite, traces, out, "--no-cache --threads " + std::to_string(threads[i]));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    scores[i] = ReadFile(out / "scores.jsonl");
    cards[i] = ReadFile(out / "scorecard.json");
  }
  EXPECT_EQ(scores[0], scores[1]);
  EXPECT_EQ(cards[0], cards[1]);
  EXPECT_THAT(scores[0], HasSubstr("\"evaluator\": \"tool-result-grounded\""));
  EXPECT_THAT(scores[0], HasSubstr("loopback judgment"));
  nlohmann::json card = nlohmann::json::parse(cards[0]);
  const nlohmann::json& grounded = card["evaluators"][0];
  EXPECT_EQ(grounded["id"], "tool-result-grounded");
  EXPECT_EQ(grounded["errors"], 0);
  EXPECT_GT(grounded["n"].get<int>(), 100);
  EXPECT_EQ(grounded["usage"]["calls"], grounded["n"]);
  EXPECT_EQ(grounded["usage"]["cache_hits"], 0);
  EXPECT_GT(grounded["usage"]["input_tokens"].get<int>(), 0);
  EXPECT_GT(grounded["usage"]["cost_usd"].get<double>(), 0);
  const nlohmann::json& choice = card["evaluators"][1];
  EXPECT_GT(choice["n"].get<int>(), 100);
  // Two runs of every judged trace reached the server.
  EXPECT_EQ(server_.requests(), 2 * (grounded["n"].get<int64_t>() + choice["n"].get<int64_t>()));
}

TEST_F(JudgeCliTest, SecondRunIsAnsweredFromTheCache) {
  auto traces = DemoSubset(dir_, 60);
  auto cache = dir_.path() / "cache";
  auto first = Run(kJudgeSuite, traces, dir_.path() / "a", "--cache " + cache.string());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  int64_t requests = server_.requests();
  ASSERT_GT(requests, 0);
  auto second = Run(kJudgeSuite, traces, dir_.path() / "b", "--cache " + cache.string());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(server_.requests(), requests) << "zero HTTP requests on the second run";
  EXPECT_EQ(ReadFile(dir_.path() / "a" / "scores.jsonl"),
            ReadFile(dir_.path() / "b" / "scores.jsonl"));
  nlohmann::json card = nlohmann::json::parse(ReadFile(dir_.path() / "b" / "scorecard.json"));
  EXPECT_EQ(card["evaluators"][0]["usage"]["calls"], 0);
  EXPECT_EQ(card["evaluators"][0]["usage"]["cache_hits"], card["evaluators"][0]["n"]);
  EXPECT_EQ(card["evaluators"][0]["usage"]["cost_usd"], 0.0);
}

TEST_F(JudgeCliTest, TheKeyReachesTheServerAndNoOutput) {
  auto traces = DemoSubset(dir_, 20);
  auto out = dir_.path() / "out";
  auto cache = dir_.path() / "cache";
  auto run = Run(kJudgeSuite, traces, out, "--cache " + cache.string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_FALSE(server_.credentials().empty());
  EXPECT_EQ(server_.credentials()[0], std::string("Bearer ") + kKey);
  EXPECT_THAT(run.out + run.err, Not(HasSubstr(kKey)));
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (!entry.is_regular_file() || entry.path() == traces) continue;
    ++files;
    EXPECT_THAT(ReadFile(entry.path()), Not(HasSubstr(kKey))) << entry.path();
  }
  EXPECT_GE(files, 5);  // scores, scorecard.json and .md, trace errors, the cache
}

TEST_F(JudgeCliTest, WithoutAKeyJudgesAreSkippedWithTheReason) {
  unsetenv("OPENAI_API_KEY");
  auto traces = DemoSubset(dir_, 20);
  auto out = dir_.path() / "out";
  auto run = Run(kJudgeSuite, traces, out, "--no-cache");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("tool-result-grounded skipped: environment variable "
                                 "OPENAI_API_KEY (the judge's API key) is not set"));
  EXPECT_EQ(server_.requests(), 0);
  std::string scores = ReadFile(out / "scores.jsonl");
  EXPECT_THAT(scores, Not(HasSubstr("tool-result-grounded")));
  EXPECT_THAT(scores, HasSubstr("\"evaluator\": \"tool-choice\""));  // the others still run
  nlohmann::json card = nlohmann::json::parse(ReadFile(out / "scorecard.json"));
  EXPECT_EQ(card["evaluators"][0]["n"], 0);
  EXPECT_EQ(card["evaluators"][0]["skipped"],
            "environment variable OPENAI_API_KEY (the judge's API key) is not set");
  EXPECT_FALSE(card["evaluators"][2].contains("skipped"));
  EXPECT_THAT(ReadFile(out / "scorecard.md"), HasSubstr("Skipped tool-result-grounded: "));
}

TEST_F(JudgeCliTest, FaultsEndAsErrorRowsWithTheirCause) {
  dir_.Write("rubric.md", "---\nid: r\nversion: 1\nscale: binary\n---\n{{output}}\n");
  dir_.Write("judge.yaml",
             "id: judge\nversion: 1\nplugin: llm_judge\nparams:\n  provider: openai\n"
             "  base_url: '${JUDGE_BASE_URL}'\n  model: m\n  api_key_env: OPENAI_API_KEY\n"
             "  rubric: rubric.md\n  max_attempts: 2\n  backoff_ms: 1\n  timeout_ms: 400\n");
  auto suite = dir_.Write("suite.yaml", "name: faults\nevaluators: [judge.yaml]\n");
  std::string lines;
  const char* outputs[] = {"judge:score=1",
                           "judge:fault=500",
                           "judge:fault=hang",
                           "judge:fault=malformed",
                           "judge:fault=truncated",
                           "judge:fault=out_of_scale",
                           "judge:fault=429-once judge:score=0",
                           "judge:fault=fence judge:score=1"};
  for (size_t i = 0; i < std::size(outputs); ++i) {
    lines +=
        nlohmann::json({{"trace_id", "f" + std::to_string(i)}, {"output", outputs[i]}}).dump() +
        "\n";
  }
  auto traces = dir_.Write("faults.jsonl", lines);
  auto out = dir_.path() / "out";
  auto run = Run(suite.string(), traces, out, "--no-cache --threads 2");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<nlohmann::json> rows;
  std::istringstream scores(ReadFile(out / "scores.jsonl"));
  for (std::string line; std::getline(scores, line);) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), std::size(outputs));
  EXPECT_EQ(rows[0]["score"], 1.0);
  EXPECT_THAT(rows[1]["error"].get<std::string>(), HasSubstr("HTTP 500"));
  EXPECT_EQ(rows[2]["error"], "judge call failed: timeout of 400 ms after 2 attempts");
  EXPECT_THAT(rows[3]["error"].get<std::string>(), HasSubstr("malformed response body"));
  EXPECT_THAT(rows[4]["error"].get<std::string>(), HasSubstr("no JSON object with a score"));
  EXPECT_THAT(rows[5]["error"].get<std::string>(), HasSubstr("outside the binary scale"));
  EXPECT_EQ(rows[6]["score"], 0.0);
  EXPECT_EQ(rows[7]["score"], 1.0);
  for (size_t i : {1, 2, 3, 4, 5}) {
    EXPECT_TRUE(rows[i]["score"].is_null());
    EXPECT_TRUE(rows[i]["pass"].is_null());
  }
  nlohmann::json card = nlohmann::json::parse(ReadFile(out / "scorecard.json"));
  EXPECT_EQ(card["evaluators"][0]["errors"], 5);
  EXPECT_EQ(card["evaluators"][0]["n"], 3);
}

// A judge endpoint that is down: every row is an error, and the run says so at the end (stderr
// and scorecard.json `warnings`); --strict turns that into exit 3.
TEST_F(JudgeCliTest, AnEndpointThatIsDownIsAWarningNotASilentRun) {
  dir_.Write("rubric.md", "---\nid: r\nversion: 1\nscale: binary\n---\n{{output}}\n");
  // Port 1 on loopback: nothing listens there, so every call is refused at once.
  dir_.Write("judge.yaml",
             "id: judge\nversion: 1\nplugin: llm_judge\nparams:\n  provider: openai\n"
             "  base_url: 'http://127.0.0.1:1/v1'\n  model: m\n  api_key_env: OPENAI_API_KEY\n"
             "  rubric: rubric.md\n  max_attempts: 2\n  backoff_ms: 1\n  timeout_ms: 400\n");
  auto suite = dir_.Write("suite.yaml", "name: down\nevaluators: [judge.yaml]\n");
  auto traces = DemoSubset(dir_, 5);
  auto run = Run(suite.string(), traces, dir_.path() / "out", "--no-cache");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: judge judged no trace: 5 of 5 traces are errors"));
  nlohmann::json card = nlohmann::json::parse(ReadFile(dir_.path() / "out" / "scorecard.json"));
  ASSERT_EQ(card["warnings"].size(), 1u);
  EXPECT_EQ(card["warnings"][0]["evaluator"], "judge");
  EXPECT_EQ(card["warnings"][0]["kind"], "no_trace_judged");
  auto strict = Run(suite.string(), traces, dir_.path() / "strict", "--no-cache --strict");
  EXPECT_EQ(strict.exit_code, 3) << strict.err;
}

TEST_F(JudgeCliTest, InterruptKeepsTheRowsAlreadyScored) {
  dir_.Write("rubric.md", "---\nid: r\nversion: 1\nscale: binary\n---\n{{output}}\n");
  dir_.Write("judge.yaml",
             "id: judge\nversion: 1\nplugin: llm_judge\nparams:\n  provider: openai\n"
             "  base_url: '${JUDGE_BASE_URL}'\n  model: m\n  rubric: rubric.md\n");
  auto suite = dir_.Write("suite.yaml", "name: interrupt\nevaluators: [judge.yaml]\n");
  std::string lines;
  for (int i = 0; i < 10; ++i) {
    std::string output = i < 4 ? "judge:score=1 n" + std::to_string(i) : "judge:fault=hang";
    lines +=
        nlohmann::json({{"trace_id", "i" + std::to_string(i)}, {"output", output}}).dump() + "\n";
  }
  auto traces = dir_.Write("traces.jsonl", lines);
  auto out = dir_.path() / "out";
  // SIGINT after 2 s, while six calls hang (the server holds them for 30 s).
  std::string command = "timeout --preserve-status -s INT 2 " + ArbiterBin() +
                        " run --quiet --no-cache --suite " + suite.string() + " --traces " +
                        traces.string() + " --out " + out.string() + " 2>" +
                        (dir_.path() / "err").string();
  int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_THAT(ReadFile(dir_.path() / "err"), HasSubstr("interrupted"));
  std::istringstream scores(ReadFile(out / "scores.jsonl"));
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(scores, line);) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 10u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(rows[i]["score"], 1.0) << i;
  for (size_t i = 4; i < 10; ++i) {
    EXPECT_EQ(rows[i]["error"], "judge call failed: interrupted before the judge answered") << i;
  }
  nlohmann::json card = nlohmann::json::parse(ReadFile(out / "scorecard.json"));
  EXPECT_EQ(card["interrupted"], true);
  EXPECT_EQ(card["evaluators"][0]["n"], 4);
}

}  // namespace
}  // namespace arbiter::testing
