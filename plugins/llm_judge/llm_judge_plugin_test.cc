// The llm_judge plugin against the loopback judge server: both wire formats, every fault, the
// cache, self-consistency, limits and configuration errors.
#include "plugins/llm_judge/llm_judge_plugin.h"
#include "plugins/llm_judge/http_loop.h"

#include <chrono>
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/judge_server/judge_server.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

// The clock of JudgeServer::ArrivalsMs: steady_clock, in milliseconds.
double SteadyNowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

using ::testing::HasSubstr;
using testing::JudgeServer;
using testing::ParsedTrace;
using testing::SpecFromYaml;
using ::testing::StartsWith;
using testing::TempDir;

constexpr char kKey[] = "sk-test-k3y-never-printed";

constexpr char kBinaryRubric[] =
    "---\nid: grounded\nversion: 1\nscale: binary\n---\n"
    "Question: {{input}}\nAnswer: {{output}}\n";

class LlmJudgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    setenv("ARBITER_TEST_JUDGE_KEY", kKey, 1);
    dir_.Write("rubrics/binary.md", kBinaryRubric);
    dir_.Write("rubrics/five.md",
               "---\nid: five\nversion: 1\nscale: 1-5\n---\nAnswer: {{output}}\n");
  }

  // An evaluator declared in dir_/judge.yaml with `extra` params appended.
  Result<std::unique_ptr<Evaluator>> Create(const std::string& extra,
                                            const std::string& provider = "openai",
                                            const std::string& rubric = "rubrics/binary.md") {
    std::string base =
        provider == "openai" ? server_.openai_base_url() : server_.anthropic_base_url();
    std::string yaml = "id: judge\nplugin: llm_judge\nparams:\n  provider: " + provider +
                       "\n  base_url: " + base +
                       "\n  model: loopback-1\n  api_key_env: ARBITER_TEST_JUDGE_KEY\n"
                       "  rubric: " +
                       rubric + "\n  backoff_ms: 5\n" + extra;
    return LlmJudgePlugin().create(SpecFromYaml(yaml, (dir_.path() / "judge.yaml").string()));
  }
  std::unique_ptr<Evaluator> Make(const std::string& extra = "",
                                  const std::string& provider = "openai",
                                  const std::string& rubric = "rubrics/binary.md") {
    auto evaluator = Create(extra, provider, rubric);
    EXPECT_TRUE(evaluator.ok()) << evaluator.status().ToString();
    return evaluator.ok() ? std::move(*evaluator) : nullptr;
  }

  // Evaluates and waits for the judge.
  static Result<Score> Judge(const Evaluator& evaluator, const std::string& output,
                             const std::string& input = "What is my balance?") {
    nlohmann::json trace = {{"trace_id", "t"}, {"input", input}, {"output", output}};
    ParsedTrace parsed(trace.dump());
    Result<Score> score = evaluator.Evaluate(parsed, EvalContext{});
    if (!score.ok() || !score->pending) return score;
    return score->pending->Wait();
  }

  JudgeServer server_;
  TempDir dir_;
};

TEST_F(LlmJudgeTest, OpenAiWireFormat) {
  auto evaluator = Make();
  ASSERT_TRUE(evaluator);
  auto score = Judge(*evaluator, "Your balance is 12 EUR. judge:score=1");
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->value, 1.0);
  EXPECT_THAT(score->reason, StartsWith("loopback judgment "));
  ASSERT_EQ(server_.requests(), 1);
  nlohmann::json body = nlohmann::json::parse(server_.bodies()[0]);
  EXPECT_EQ(body["model"], "loopback-1");
  EXPECT_EQ(body["temperature"], 0.0);
  EXPECT_EQ(body["max_tokens"], 300);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_THAT(body["messages"][0]["content"].get<std::string>(), HasSubstr("Scale: binary"));
  EXPECT_EQ(body["messages"][1]["content"],
            "Question: What is my balance?\nAnswer: Your balance is 12 EUR. judge:score=1\n");
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  EXPECT_EQ(body["response_format"]["json_schema"]["schema"]["required"],
            nlohmann::json::array({"score", "reason"}));
  EXPECT_EQ(server_.credentials(), std::vector<std::string>{std::string("Bearer ") + kKey});
}

TEST_F(LlmJudgeTest, AnthropicWireFormat) {
  auto evaluator = Make("", "anthropic", "rubrics/five.md");
  ASSERT_TRUE(evaluator);
  auto score = Judge(*evaluator, "fine judge:score=4");
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->value, 0.75);  // 4 on 1-5 is (4 - 1) / 4
  nlohmann::json body = nlohmann::json::parse(server_.bodies()[0]);
  EXPECT_THAT(body["system"].get<std::string>(), HasSubstr("Scale: 1-5"));
  EXPECT_EQ(body["messages"][0]["content"], "Answer: fine judge:score=4\n");
  EXPECT_FALSE(body.contains("response_format"));
  EXPECT_EQ(server_.credentials(), std::vector<std::string>{kKey});
  std::vector<UsageFigure> usage = evaluator->Usage();
  ASSERT_GE(usage.size(), 4u);
  EXPECT_EQ(usage[0].name, "calls");
  EXPECT_EQ(usage[0].value, 1);
  EXPECT_GT(usage[2].value, 0);  // input tokens, from the response's usage
}

TEST_F(LlmJudgeTest, TooManyRequestsIsRetriedAfterRetryAfter) {
  auto evaluator = Make();
  auto score = Judge(*evaluator, "judge:fault=429-once judge:score=1");
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->value, 1.0);
  std::vector<double> arrivals = server_.ArrivalsMs("judge:fault=429-once");
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_GE(arrivals[1] - arrivals[0], 950) << "Retry-After: 1 is honoured";
}

TEST_F(LlmJudgeTest, RetryAfterPastTheCapIsAnErrorRowNotAStall) {
  // Retry-After: 100000 once stalled a run for 28 hours.
  auto evaluator = Make();
  auto started = SteadyNowMs();
  auto score = Judge(*evaluator, "judge:fault=429-long");
  ASSERT_FALSE(score.ok());
  EXPECT_EQ(score.status().message(),
            "judge call failed: HTTP 429: '{\"error\": {\"message\": \"come back tomorrow\"}}' "
            "(Retry-After of 100000 s is past the cap of 60 s; not retried)");
  EXPECT_LT(SteadyNowMs() - started, 2000);
  EXPECT_EQ(server_.ArrivalsMs("judge:fault=429-long").size(), 1u);
}

TEST_F(LlmJudgeTest, PersistentFaultsBecomeErrorRowsWithTheCause) {
  auto evaluator = Make("  max_attempts: 2\n  timeout_ms: 300\n");
  struct Case {
    const char* output;
    const char* error;
  } cases[] = {
      {"judge:fault=500",
       "judge call failed: HTTP 500: '{\"error\": {\"message\": \"the loopback "
       "judge failed on purpose\"}}' after 2 attempts"},
      {"judge:fault=429",
       "judge call failed: HTTP 429: '{\"error\": {\"message\": \"rate limited "
       "by the loopback judge\"}}' after 2 attempts"},
      {"judge:fault=hang", "judge call failed: timeout of 300 ms after 2 attempts"},
      {"judge:fault=malformed",
       "judge answer unusable after 2 calls: malformed response body (not JSON): "
       "'<html>this is not JSON</html>'"},
      {"judge:fault=out_of_scale",
       "judge answer unusable after 2 calls: score 7.0 is outside the binary scale"},
  };
  for (const Case& c : cases) {
    auto score = Judge(*evaluator, c.output);
    ASSERT_FALSE(score.ok()) << c.output;
    EXPECT_EQ(score.status().message(), c.error);
  }
  auto truncated = Judge(*evaluator, "judge:fault=truncated");
  ASSERT_FALSE(truncated.ok());
  EXPECT_THAT(truncated.status().message(),
              HasSubstr("judge answer unusable after 2 calls: no JSON object with a score"));
  EXPECT_EQ(server_.ArrivalsMs("judge:fault=truncated").size(), 2u) << "retried once";
}

TEST_F(LlmJudgeTest, TransientFaultsAreRetried) {
  auto evaluator = Make();
  for (const char* fault : {"500-once", "hang-once", "malformed-once", "truncated-once",
                            "out_of_scale-once", "fence"}) {
    SCOPED_TRACE(fault);
    std::string output = std::string("judge:fault=") + fault + " judge:score=1";
    if (std::string(fault) == "hang-once") {
      evaluator = Make("  timeout_ms: 300\n");
    }
    auto score = Judge(*evaluator, output);
    ASSERT_TRUE(score.ok()) << score.status().ToString();
    EXPECT_EQ(score->value, 1.0);
  }
}

TEST_F(LlmJudgeTest, ConnectionErrorsAreRetriedThenReported) {
  JudgeServer gone;
  std::string url = gone.openai_base_url();
  gone.Stop();
  auto evaluator = LlmJudgePlugin().create(
      SpecFromYaml("plugin: llm_judge\nparams: {provider: openai, model: m, base_url: '" + url +
                       "', rubric: rubrics/binary.md, max_attempts: 3, backoff_ms: 1}\n",
                   (dir_.path() / "j.yaml").string()));
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  auto score = Judge(**evaluator, "x");
  ASSERT_FALSE(score.ok());
  EXPECT_THAT(score.status().message(), StartsWith("judge call failed: Couldn't connect"));
  EXPECT_THAT(score.status().message(), HasSubstr("after 3 attempts"));
}

TEST_F(LlmJudgeTest, RetryBudgetCapsRetriesAcrossCalls) {
  // A budget is per endpoint and process; a fresh server gives a fresh endpoint.
  auto evaluator = Make("  retry_budget: 2\n  max_attempts: 5\n");
  for (int i = 0; i < 3; ++i) {
    auto score = Judge(*evaluator, "judge:fault=500 call " + std::to_string(i));
    ASSERT_FALSE(score.ok());
  }
  EXPECT_EQ(server_.requests(), 3 + 2);
  auto last = Judge(*evaluator, "judge:fault=500 last");
  EXPECT_THAT(last.status().message(), HasSubstr("after 1 attempt (retry budget of 2 exhausted)"));
}

TEST_F(LlmJudgeTest, CacheAnswersTheSecondRunWithoutRequests) {
  TempDir cache;
  RunSettings settings;
  settings.cache_dir = cache.path();
  std::vector<double> first;
  {
    auto evaluator = Make();
    ASSERT_TRUE(evaluator->PrepareRun(settings).ok());
    for (int i = 0; i < 5; ++i) first.push_back(Judge(*evaluator, "a" + std::to_string(i))->value);
    EXPECT_EQ(evaluator->Usage()[1].value, 0);  // cache hits
  }
  ASSERT_EQ(server_.requests(), 5);
  auto evaluator = Make();
  ASSERT_TRUE(evaluator->PrepareRun(settings).ok());
  for (int i = 0; i < 5; ++i) {
    ParsedTrace trace(R"({"trace_id": "t", "input": "What is my balance?", "output": "a)" +
                      std::to_string(i) + "\"}");
    Result<Score> score = evaluator->Evaluate(trace, EvalContext{});
    ASSERT_TRUE(score.ok());
    EXPECT_FALSE(score->pending) << "a cache hit is answered at once";
    EXPECT_EQ(score->value, first[static_cast<size_t>(i)]);
  }
  EXPECT_EQ(server_.requests(), 5) << "no request on the second run";
  EXPECT_EQ(evaluator->Usage()[0].value, 0);  // calls
  EXPECT_EQ(evaluator->Usage()[1].value, 5);  // cache hits
  // A different model is a different key.
  auto other = Make("  temperature: 0.5\n");
  ASSERT_TRUE(other->PrepareRun(settings).ok());
  ASSERT_TRUE(Judge(*other, "a0").ok());
  EXPECT_EQ(server_.requests(), 6);
  std::string file = testing::ReadFile(cache.path() / "judge-cache.sqlite3") +
                     testing::ReadFile(cache.path() / "judge-cache.sqlite3-wal");
  EXPECT_NE(file.find("loopback judgment"), std::string::npos) << "answers are stored";
  EXPECT_EQ(file.find(kKey), std::string::npos) << "the key is not";
}

TEST_F(LlmJudgeTest, CacheKeyCoversTheEndpointTheRubricAndTheSamples) {
  // A run against another base_url with the same cache once reported `calls: 0` and the first
  // server's scores.
  TempDir cache;
  RunSettings settings;
  settings.cache_dir = cache.path();
  JudgeServer other_server;
  ASSERT_TRUE(other_server.ok());
  auto judge_once = [&](const std::string& base_url, const std::string& extra) {
    std::string yaml =
        "id: judge\nplugin: llm_judge\nparams:\n  provider: openai\n  base_url: " + base_url +
        "\n  model: loopback-1\n  rubric: rubrics/binary.md\n" + extra;
    auto evaluator =
        LlmJudgePlugin().create(SpecFromYaml(yaml, (dir_.path() / "judge.yaml").string()));
    ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
    ASSERT_TRUE((*evaluator)->PrepareRun(settings).ok());
    ASSERT_TRUE(Judge(**evaluator, "same answer").ok());
  };
  judge_once(server_.openai_base_url(), "");
  ASSERT_EQ(server_.requests(), 1);
  judge_once(other_server.openai_base_url(), "");
  EXPECT_EQ(other_server.requests(), 1) << "another endpoint is another key";
  judge_once(server_.openai_base_url(), "");
  EXPECT_EQ(server_.requests(), 1) << "the same endpoint still hits";

  // The rubric's bytes, not only its id and version (a comment in the front matter here).
  dir_.Write("rubrics/binary.md", std::string("---\n# reworded\n") + (kBinaryRubric + 4));
  judge_once(server_.openai_base_url(), "");
  EXPECT_EQ(server_.requests(), 2);
  judge_once(server_.openai_base_url(), "  samples: 2\n");
  EXPECT_EQ(server_.requests(), 4) << "samples: 2 asks for both";
}

TEST_F(LlmJudgeTest, SamplesAggregateAndReportTheFlipRate) {
  auto evaluator = Make("  samples: 3\n  aggregate: majority\n");
  auto noisy = Judge(*evaluator, "judge:score=cycle");  // answers 1, 0, 1 in some order
  ASSERT_TRUE(noisy.ok()) << noisy.status().ToString();
  EXPECT_EQ(noisy->value, 1.0);  // two of three pass
  EXPECT_THAT(noisy->reason, HasSubstr("(majority of 3 samples: "));
  auto steady = Judge(*evaluator, "judge:score=0");
  ASSERT_TRUE(steady.ok());
  EXPECT_EQ(steady->value, 0.0);
  EXPECT_EQ(server_.requests(), 6);
  std::vector<UsageFigure> usage = evaluator->Usage();
  ASSERT_EQ(usage.back().name, "flip_rate");
  EXPECT_EQ(usage.back().value, 0.5);  // one of the two traces flipped

  auto mean = Make("  samples: 3\n  aggregate: mean\n");
  auto averaged = Judge(*mean, "judge:score=cycle");  // the same prompt: the 4th, 5th, 6th answers
  ASSERT_TRUE(averaged.ok());
  EXPECT_DOUBLE_EQ(averaged->value, 1.0 / 3);  // 0, 1, 0
}

TEST_F(LlmJudgeTest, ConnectionsAreReusedWithinMaxInFlight) {
  auto evaluator = Make("  max_in_flight: 3\n");
  std::vector<std::shared_ptr<PendingScore>> pending;
  for (int i = 0; i < 30; ++i) {
    ParsedTrace trace(R"({"trace_id": "t", "input": "q", "output": "judge:latency=20 n)" +
                      std::to_string(i) + "\"}");
    Result<Score> score = evaluator->Evaluate(trace, EvalContext{});
    ASSERT_TRUE(score.ok() && score->pending);
    pending.push_back(score->pending);
  }
  for (auto& p : pending) EXPECT_TRUE(p->Wait().ok());
  EXPECT_EQ(server_.requests(), 30);
  EXPECT_LE(server_.connections(), 3u);
}

TEST_F(LlmJudgeTest, RequestsPerMinuteArePaced) {
  auto evaluator = Make("  requests_per_minute: 600\n");  // 10 a second, bursts of 10
  // Pacing starts with the first call, not with the first arrival: under load the first
  // requests can reach the server late while the limiter's clock already runs.
  const double start = SteadyNowMs();
  std::vector<std::shared_ptr<PendingScore>> pending;
  for (int i = 0; i < 20; ++i) {
    ParsedTrace trace(R"({"trace_id": "t", "input": "q", "output": "paced )" + std::to_string(i) +
                      "\"}");
    pending.push_back(evaluator->Evaluate(trace, EvalContext{})->pending);
  }
  for (auto& p : pending) ASSERT_TRUE(p->Wait().ok());
  std::vector<double> arrivals = server_.ArrivalsMs("paced ");
  ASSERT_EQ(arrivals.size(), 20u);
  // 10 at once, the other 10 at 100 ms intervals: the last at least 0.9 s after the start.
  EXPECT_GE(arrivals.back() - start, 900);
}

TEST_F(LlmJudgeTest, TokensPerMinuteArePaced) {
  // 12,000 tokens a minute: 200 a second. A call is estimated at its body / 4 + max_tokens
  // (about 100 + 300 here), then corrected by the usage the answer reports.
  auto evaluator = Make("  tokens_per_minute: 12000\n");
  const double start = SteadyNowMs();  // see RequestsPerMinuteArePaced
  std::vector<std::shared_ptr<PendingScore>> pending;
  for (int i = 0; i < 6; ++i) {
    ParsedTrace trace(R"({"trace_id": "t", "input": "q", "output": "tokens )" + std::to_string(i) +
                      "\"}");
    pending.push_back(evaluator->Evaluate(trace, EvalContext{})->pending);
  }
  for (auto& p : pending) ASSERT_TRUE(p->Wait().ok());
  std::vector<double> arrivals = server_.ArrivalsMs("tokens ");
  ASSERT_EQ(arrivals.size(), 6u);
  // Each call takes more than the bucket holds (200) and leaves it in debt; even with the
  // refund of what the answer did not use, each later call waits about half a second.
  EXPECT_GE(arrivals.back() - start, 1000);
}

TEST_F(LlmJudgeTest, WithoutTheKeyTheEvaluatorIsSkipped) {
  unsetenv("ARBITER_TEST_JUDGE_KEY");
  auto evaluator = Make();
  ASSERT_TRUE(evaluator);
  EXPECT_EQ(evaluator->SkipReason(),
            "environment variable ARBITER_TEST_JUDGE_KEY (the judge's API key) is not set");
}

TEST_F(LlmJudgeTest, KeyEchoedByTheServerIsScrubbedBeforeTheBodyIsCut) {
  // The body was cut to 200 characters first, leaving the key's first characters in the row.
  auto evaluator = Make("  max_attempts: 1\n");
  auto score = Judge(*evaluator, "judge:fault=401");
  ASSERT_FALSE(score.ok());
  EXPECT_THAT(score.status().message(), StartsWith("judge call failed: HTTP 401: "));
  EXPECT_THAT(score.status().message(), HasSubstr("Incorrect API key provided: [redac"));
  EXPECT_THAT(score.status().message(), ::testing::Not(HasSubstr("sk-")));
}

TEST_F(LlmJudgeTest, ApiKeyEnvMustNameAVariableAndIsNeverEchoed) {
  auto create = [&](const std::string& key_env) {
    std::string yaml = "id: judge\nplugin: llm_judge\nparams:\n  provider: openai\n  base_url: " +
                       server_.openai_base_url() +
                       "\n  model: loopback-1\n  rubric: rubrics/binary.md\n  api_key_env: '" +
                       key_env + "'\n";
    return LlmJudgePlugin().create(SpecFromYaml(yaml, (dir_.path() / "judge.yaml").string()));
  };
  // `${OPENAI_API_KEY}` substituted: the key itself, once printed as "environment variable
  // sk-... is not set".
  setenv("ARBITER_TEST_ALNUM_KEY", "AbCdEf0123456789xYz", 1);
  for (const std::string& value : {std::string(kKey), std::string("AbCdEf0123456789xYz")}) {
    auto evaluator = create(value);
    ASSERT_FALSE(evaluator.ok()) << value;
    EXPECT_THAT(evaluator.status().message(),
                HasSubstr("judge.yaml:8:16: param 'api_key_env' must be the name of an "
                          "environment variable"));
    EXPECT_THAT(evaluator.status().message(), ::testing::Not(HasSubstr(value)));
  }
  EXPECT_TRUE(create("ARBITER_TEST_ALNUM_KEY").ok());

  setenv("ARBITER_TEST_SHORT_KEY", "EMPTY", 1);
  auto short_key = create("ARBITER_TEST_SHORT_KEY");
  ASSERT_FALSE(short_key.ok());
  EXPECT_THAT(short_key.status().message(),
              HasSubstr("environment variable ARBITER_TEST_SHORT_KEY holds 5 characters, too "
                        "few for an API key (at least 8)"));
}

TEST(ScrubSecretTest, ReplacesTheKeyOnlyAsAWholeToken) {
  EXPECT_EQ(ScrubSecret("Bearer sk-abc12345, \"sk-abc12345\"", "sk-abc12345"),
            "Bearer [redacted], \"[redacted]\"");
  EXPECT_EQ(ScrubSecret("xsk-abc12345 sk-abc12345_2", "sk-abc12345"), "xsk-abc12345 sk-abc12345_2");
  // A short key (OPENAI_API_KEY=x) turned "exhausted" into "e[redacted]hausted".
  EXPECT_EQ(ScrubSecret("exhausted x", "x"), "exhausted x");
}

TEST_F(LlmJudgeTest, MissingTracePathIsAnErrorRow) {
  dir_.Write("rubrics/intent.md",
             "---\nid: intent\nversion: 1\nscale: binary\n---\n{{metadata.intent}}\n");
  auto evaluator = Make("", "openai", "rubrics/intent.md");
  auto score = Judge(*evaluator, "x");
  ASSERT_FALSE(score.ok());
  EXPECT_EQ(score.status().message(), "rubric path 'metadata.intent' is missing from the trace");
  EXPECT_EQ(server_.requests(), 0);
}

TEST_F(LlmJudgeTest, ConfigurationErrors) {
  auto missing = Create("", "openai", "rubrics/nope.md");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("judge.yaml:8:11: rubric '"));
  EXPECT_THAT(missing.status().message(), HasSubstr("nope.md' not found"));

  dir_.Write("rubrics/typo.md", "---\nid: t\nversion: 1\nscale: binary\n---\n{{outptu}}\n");
  auto typo = Create("", "openai", "rubrics/typo.md");
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.status().message(), HasSubstr("typo.md:6:1: unknown trace path 'outptu'"));

  auto unknown = Create("  temprature: 0\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown param 'temprature'"));

  auto provider = Create("", "gemini");
  ASSERT_FALSE(provider.ok());
  EXPECT_THAT(provider.status().message(),
              HasSubstr("param 'provider' is 'gemini'; expected openai | anthropic"));

  auto samples = Create("  samples: 0\n");
  ASSERT_FALSE(samples.ok());
  EXPECT_THAT(samples.status().message(), HasSubstr("param 'samples' must be at least 1"));

  auto price = Create("  price: {input: 1}\n");
  ASSERT_FALSE(price.ok());
  EXPECT_THAT(price.status().message(), HasSubstr("price has input_per_mtok and output_per_mtok"));
}

TEST_F(LlmJudgeTest, PriceGivesTheCost) {
  auto evaluator = Make("  price: {input_per_mtok: 2.5, output_per_mtok: 10}\n");
  ASSERT_TRUE(Judge(*evaluator, "priced").ok());
  std::vector<UsageFigure> usage = evaluator->Usage();
  ASSERT_EQ(usage.size(), 5u);
  EXPECT_EQ(usage[4].name, "cost_usd");
  EXPECT_DOUBLE_EQ(usage[4].value, (usage[2].value * 2.5 + usage[3].value * 10) / 1e6);
  EXPECT_GT(usage[4].value, 0);
}

}  // namespace
}  // namespace arbiter
