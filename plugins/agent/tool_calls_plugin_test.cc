#include "plugins/agent/tool_calls_plugin.h"

#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::ParsedTrace;
using testing::SpecFromYaml;

const testing::PluginHarness& Plugin() {
  static const testing::PluginHarness harness(ToolCallsPlugin());
  return harness;
}

// A trace with intent `intent` and `calls` (a JSON array, or "" for no tool_calls field).
std::string Trace(const std::string& intent, const std::string& calls) {
  std::string json = R"({"trace_id": "t", "metadata": {"intent": ")" + intent + R"("})";
  if (!calls.empty()) json += R"(, "tool_calls": )" + calls;
  return json + "}";
}

constexpr char kNoRepeats[] = "plugin: tool_calls\nparams: {no_repeats: true}\n";

TEST(ToolCallsPluginTest, Registration) {
  PluginInfo info = ToolCallsPlugin();
  EXPECT_EQ(info.name, "tool_calls");
  EXPECT_EQ(info.version, 1);
  nlohmann::json schema = nlohmann::json::parse(info.params_schema);
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["properties"].size(), 5u);
  EXPECT_EQ(schema["properties"]["intent_path"]["default"], "metadata.intent");
}

TEST(ToolCallsPluginTest, ExpectedToolCalled) {
  const std::string yaml = "plugin: tool_calls\nparams: {expected: {refund: [issue_refund]}}\n";
  Score score = Plugin().Judge(yaml, Trace("refund", R"([{"name": "lookup_order"},
                                                 {"name": "issue_refund"}])"));
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "intent 'refund': called issue_refund");
}

TEST(ToolCallsPluginTest, WrongToolFails) {
  const std::string yaml = "plugin: tool_calls\nparams: {expected: {refund: issue_refund}}\n";
  Score score = Plugin().Judge(yaml, Trace("refund", R"([{"name": "lookup_order"}])"));
  EXPECT_EQ(score.value, 0.0);
  EXPECT_EQ(score.reason, "intent 'refund' expects issue_refund; called lookup_order");

  const std::string two =
      "plugin: tool_calls\nparams: {expected: {refund: [issue_refund, refund_partial]}}\n";
  Score many = Plugin().Judge(two, Trace("refund", R"([{"name": "lookup_order"}, {"name": "search"},
                                              {"name": "lookup_order"}])"));
  EXPECT_EQ(many.value, 0.0);
  EXPECT_EQ(many.reason,
            "intent 'refund' expects issue_refund or refund_partial; called lookup_order, search");
}

TEST(ToolCallsPluginTest, NoCallsFailAnExpectation) {
  const std::string yaml = "plugin: tool_calls\nparams: {expected: {refund: [issue_refund]}}\n";
  Score absent = Plugin().Judge(yaml, Trace("refund", ""));
  EXPECT_EQ(absent.value, 0.0);
  EXPECT_EQ(absent.reason, "intent 'refund' expects issue_refund; no tool called");
  EXPECT_EQ(Plugin().Judge(yaml, Trace("refund", "[]")).reason, absent.reason);
  EXPECT_EQ(Plugin().Judge(yaml, Trace("refund", "null")).reason, absent.reason);
}

TEST(ToolCallsPluginTest, IntentWithoutExpectationPasses) {
  const std::string yaml = "plugin: tool_calls\nparams: {expected: {refund: [issue_refund]}}\n";
  Score other = Plugin().Judge(yaml, Trace("billing", R"([{"name": "lookup_order"}])"));
  EXPECT_EQ(other.value, 1.0);
  EXPECT_EQ(other.reason, "no expectation for intent 'billing'");

  Score missing = Plugin().Judge(yaml, R"({"trace_id": "t", "tool_calls": [{"name": "x"}]})");
  EXPECT_EQ(missing.value, 1.0);
  EXPECT_EQ(missing.reason, "no intent at metadata.intent");
}

TEST(ToolCallsPluginTest, IntentPathAndNumericIntents) {
  const std::string yaml =
      "plugin: tool_calls\nparams: {intent_path: 'route[0]', expected: {7: [escalate]}}\n";
  Score score =
      Plugin().Judge(yaml, R"({"trace_id": "t", "route": [7], "tool_calls": [{"name": "chat"}]})");
  EXPECT_EQ(score.value, 0.0);
  EXPECT_EQ(score.reason, "intent '7' expects escalate; called chat");
}

TEST(ToolCallsPluginTest, Exclusive) {
  const std::string yaml =
      "plugin: tool_calls\n"
      "params: {expected: {refund: [issue_refund, lookup_order]}, exclusive: true}\n";
  Score extra =
      Plugin().Judge(yaml, Trace("refund", R"([{"name": "issue_refund"}, {"name": "search"}])"));
  EXPECT_EQ(extra.value, 0.0);
  EXPECT_EQ(extra.reason,
            "intent 'refund' allows only issue_refund, lookup_order; tool_calls[1] is search");

  Score only = Plugin().Judge(yaml, Trace("refund", R"([{"name": "lookup_order"},
                                                {"name": "issue_refund"}])"));
  EXPECT_EQ(only.value, 1.0);
  EXPECT_EQ(only.reason, "intent 'refund': called only lookup_order, issue_refund");

  // Without `exclusive` the extra call is fine.
  EXPECT_EQ(Plugin()
                .Judge("plugin: tool_calls\nparams: {expected: {refund: [issue_refund]}}\n",
                       Trace("refund", R"([{"name": "issue_refund"}, {"name": "search"}])"))
                .value,
            1.0);
}

TEST(ToolCallsPluginTest, RepeatsWithReorderedArgumentKeys) {
  const std::string calls = R"([
      {"name": "search", "arguments": {"q": "refund", "filter": {"lang": "en", "max": 5}}},
      {"name": "lookup_order", "arguments": {"q": "refund", "filter": {"lang": "en", "max": 5}}},
      {"name": "search", "arguments": {"filter": {"max": 5.0, "lang": "en"}, "q": "refund"}}])";
  Score score = Plugin().Judge(kNoRepeats, Trace("x", calls));
  EXPECT_EQ(score.value, 0.0);
  EXPECT_EQ(score.reason, "tool_calls[2] repeats tool_calls[0]: search with the same arguments");

  Score different = Plugin().Judge(kNoRepeats, Trace("x", R"([
      {"name": "search", "arguments": {"q": "refund", "page": 1}},
      {"name": "search", "arguments": {"q": "refund", "page": 2}},
      {"name": "search", "arguments": {"q": "refund", "page": [1]}}])"));
  EXPECT_EQ(different.value, 1.0);
  EXPECT_EQ(different.reason, "no repeated calls");

  Score no_arguments =
      Plugin().Judge(kNoRepeats, Trace("x", R"([{"name": "ping"}, {"name": "ping"}])"));
  EXPECT_EQ(no_arguments.reason,
            "tool_calls[1] repeats tool_calls[0]: ping with the same arguments");
}

TEST(ToolCallsPluginTest, NoRepeatsFindsTheOneRepeatAmongManyCalls) {
  // Every pair was once compared (150,000 calls took 294 s); the time at growing sizes is
  // bench/linear_bench.cc (BM_ToolCallsNoRepeats). Here: the one repeat is found and named.
  std::string calls = "[";
  for (int i = 0; i < 5000; ++i) {
    calls += R"({"name": "search", "arguments": {"q": )" + std::to_string(i) + "}},";
  }
  std::string distinct = calls;
  distinct.back() = ']';
  Score score = Plugin().Judge(kNoRepeats, Trace("x", distinct));
  EXPECT_EQ(score.reason, "no repeated calls");
  calls += R"({"name": "search", "arguments": {"q": 7}}])";
  Score repeated = Plugin().Judge(kNoRepeats, Trace("x", calls));
  EXPECT_EQ(repeated.reason,
            "tool_calls[5000] repeats tool_calls[7]: search with the same arguments");
}

TEST(ToolCallsPluginTest, StringArgumentsAreParsedAsJson) {
  // OpenAI sends arguments as a JSON string; its key order and spacing do not matter.
  Score score = Plugin().Judge(kNoRepeats, Trace("x", R"([
      {"name": "search", "arguments": "{\"q\": \"refund\", \"k\": 5}"},
      {"name": "search", "arguments": {"k": 5, "q": "refund"}}])"));
  EXPECT_EQ(score.value, 0.0);
  EXPECT_EQ(score.reason, "tool_calls[1] repeats tool_calls[0]: search with the same arguments");

  Score different = Plugin().Judge(kNoRepeats, Trace("x", R"([
      {"name": "search", "arguments": "{\"q\":\"refund\",\"k\":5}"},
      {"name": "search", "arguments": "{\"q\":\"refund\",\"k\":6}"}])"));
  EXPECT_EQ(different.value, 1.0);

  // A string that is not JSON is compared as a string.
  EXPECT_EQ(Plugin()
                .Judge(kNoRepeats, Trace("x", R"([{"name": "run", "arguments": "ls -l"},
                                              {"name": "run", "arguments": "ls -l"}])"))
                .value,
            0.0);
  EXPECT_EQ(Plugin()
                .Judge(kNoRepeats, Trace("x", R"([{"name": "run", "arguments": "ls -l"},
                                              {"name": "run", "arguments": "ls -a"}])"))
                .value,
            1.0);
}

TEST(ToolCallsPluginTest, MaxCalls) {
  const std::string yaml = "plugin: tool_calls\nparams: {max_calls: 2}\n";
  const std::string three = R"([{"name": "a"}, {"name": "b"}, {"name": "c"}])";
  Score over = Plugin().Judge(yaml, Trace("x", three));
  EXPECT_EQ(over.value, 0.0);
  EXPECT_EQ(over.reason, "3 tool calls > max 2");
  Score within = Plugin().Judge(yaml, Trace("x", R"([{"name": "a"}])"));
  EXPECT_EQ(within.value, 1.0);
  EXPECT_EQ(within.reason, "1 tool call, max 2");
  Score none = Plugin().Judge("plugin: tool_calls\nparams: {max_calls: 0}\n", Trace("x", ""));
  EXPECT_EQ(none.value, 1.0);
  EXPECT_EQ(none.reason, "0 tool calls, max 0");
}

TEST(ToolCallsPluginTest, FirstFailingCheckIsNamedAndPassesListEveryCheck) {
  const std::string yaml =
      "plugin: tool_calls\n"
      "params: {expected: {refund: [issue_refund]}, no_repeats: true, max_calls: 2}\n";
  Score pass =
      Plugin().Judge(yaml, Trace("refund", R"([{"name": "issue_refund", "arguments": {"id": 1}},
                                                {"name": "issue_refund", "arguments": {"id": 2}}])"));
  EXPECT_EQ(pass.value, 1.0);
  EXPECT_EQ(pass.reason,
            "intent 'refund': called issue_refund; no repeated calls; 2 tool calls, "
            "max 2");
  // Repeats and over budget: the repeat is reported, it comes first.
  Score fail =
      Plugin().Judge(yaml, Trace("refund", R"([{"name": "issue_refund"}, {"name": "issue_refund"},
                                                {"name": "issue_refund"}])"));
  EXPECT_EQ(fail.value, 0.0);
  EXPECT_EQ(fail.reason,
            "tool_calls[1] repeats tool_calls[0]: issue_refund with the same arguments");
}

TEST(ToolCallsPluginTest, CustomTargetNamesTheCalls) {
  const std::string yaml = "plugin: tool_calls\ntarget: agent.calls\nparams: {max_calls: 0}\n";
  EXPECT_EQ(
      Plugin().Judge(yaml, R"({"trace_id": "t", "agent": {"calls": [{"name": "a"}]}})").reason,
      "1 tool call > max 0");
  EXPECT_EQ(Plugin().EvalError(yaml, R"({"trace_id": "t", "agent": {"calls": [{}]}})"),
            "agent.calls[0] has no string 'name'");
}

TEST(ToolCallsPluginTest, MalformedCallsAreErrors) {
  EXPECT_EQ(Plugin().EvalError(kNoRepeats, Trace("x", R"({"name": "a"})")),
            "tool_calls is not an array");
  EXPECT_EQ(Plugin().EvalError(kNoRepeats, Trace("x", R"([{"name": "a"}, {"arguments": {}}])")),
            "tool_calls[1] has no string 'name'");
  EXPECT_EQ(
      Plugin().EvalError(kNoRepeats, Trace("x", R"([{"name": "a"}, {"name": "b"}, {"name": 3}])")),
      "tool_calls[2] has no string 'name'");
  EXPECT_EQ(Plugin().EvalError(kNoRepeats, Trace("x", R"(["search"])")),
            "tool_calls[0] has no string 'name'");
}

TEST(ToolCallsPluginTest, ConfigErrors) {
  EXPECT_EQ(Plugin().LoadError("plugin: tool_calls\nparams: {no_repeats: false}\n"),
            "test.yaml:2:9: tool_calls needs at least one check: expected, no_repeats: true or "
            "max_calls");
  EXPECT_EQ(Plugin().LoadError("plugin: tool_calls\n"),
            "test.yaml:1:1: tool_calls needs at least one check: expected, no_repeats: true or "
            "max_calls");
  EXPECT_EQ(Plugin().LoadError("plugin: tool_calls\nparams: {no_repeat: true}\n"),
            "test.yaml:2:10: unknown param 'no_repeat' for plugin 'tool_calls' "
            "(did you mean 'no_repeats'?)");
  EXPECT_EQ(Plugin().LoadError("plugin: tool_calls\nparams: {max_calls: 1, exclusive: true}\n"),
            "test.yaml:2:35: exclusive needs expected");
  EXPECT_EQ(Plugin().LoadError("plugin: tool_calls\nparams: {max_calls: 1, intent_path: x}\n"),
            "test.yaml:2:37: intent_path needs expected");
  EXPECT_EQ(Plugin().LoadError("plugin: tool_calls\nparams: {max_calls: -1}\n"),
            "test.yaml:2:21: max_calls must not be negative");
  EXPECT_THAT(
      Plugin().LoadError("plugin: tool_calls\nparams: {expected: {a: [b]}, intent_path: 'x..y'}\n"),
      HasSubstr("test.yaml:2:43: bad intent_path 'x..y': "));
  EXPECT_EQ(Plugin().LoadError("plugin: tool_calls\nparams: {expected: [issue_refund]}\n"),
            "test.yaml:2:20: param 'expected' must map intents to tool names");
  EXPECT_EQ(Plugin().LoadError("plugin: tool_calls\nparams: {expected: {refund: []}}\n"),
            "test.yaml:2:29: expected tools for intent 'refund' must be a tool name or a "
            "non-empty list of tool names");
}

TEST(ToolCallsPluginTest, ConcurrentEvaluationAgrees) {
  auto evaluator = Plugin().Create(kNoRepeats);
  ASSERT_TRUE(evaluator.ok());
  ParsedTrace trace(Trace("x", R"([{"name": "s", "arguments": "{\"a\": [1, {\"b\": 2, \"c\": 3}]}"},
                                   {"name": "s", "arguments": "{\"a\": [1, {\"c\": 3, \"b\": 2}]}"}])"));
  std::vector<std::thread> threads;
  std::vector<int> repeats(2, 0);
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        Result<Score> score = (*evaluator)->Evaluate(trace, EvalContext{t});
        if (score.ok() && score->value == 0.0) ++repeats[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(repeats, std::vector<int>({500, 500}));
}

}  // namespace
}  // namespace arbiter
