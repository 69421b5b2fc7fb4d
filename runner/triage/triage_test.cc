// `arbiter triage` in-process: every signal on crafted traces (it fires, and a near miss does
// not), the robust z-score against an independent computation, ranking and its tie-breaks, the
// per-session cap, order independence (and the streaming medians' independence of the threads),
// redaction and broken lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/base/atomic_file.h"
#include "runner/redact/redactor.h"
#include "runner/triage/options.h"
#include "runner/triage/quantile_sketch.h"
#include "runner/triage/stream.h"
#include "runner/triage/text_fingerprint.h"
#include "runner/triage/token_stats.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::ReadFile;
using testing::TempDir;

// An ordinary trace that fires nothing: its own session, tokens well inside the window.
json Plain(const std::string& id) {
  return {{"trace_id", id},
          {"session_id", "s-" + id},
          {"timestamp", "2026-11-20T10:00:00Z"},
          {"input", "How do I export my invoices as PDF?"},
          {"output", "Open Billing, choose the invoices and press Export."},
          {"model", "m1"},
          {"usage", {{"input_tokens", 100}, {"output_tokens", 50}, {"context_window", 8192}}},
          {"status", "ok"},
          {"tool_calls", json::array({{{"name", "search"}, {"error", nullptr}}})},
          {"feedback", {{"thumbs", "up"}, {"comment", "great"}}},
          {"metadata", {{"intent", "billing"}}}};
}

struct Outcome {
  TriageSummary summary;
  std::vector<json> queue;
  std::string text;         // the output bytes
  std::string diagnostics;  // what went to stderr
};

std::string Lines(const std::vector<json>& traces) {
  std::string text;
  for (const json& trace : traces) text += trace.dump() + "\n";
  return text;
}

Outcome RunTriageText(const std::string& input_text, const TriageOptions& options,
                      bool redact = false) {
  TempDir dir;
  auto input = dir.Write("traces.jsonl", input_text);
  auto out_path = dir.path() / "queue.jsonl";
  Outcome outcome;
  std::FILE* diagnostics = std::tmpfile();
  {
    auto out = AtomicFile::Create(out_path);
    EXPECT_TRUE(out.ok());
    Redactor redactor;
    Result<TriageSummary> summary =
        TriageTraces({input.string()}, options, redact ? &redactor : nullptr, **out, diagnostics);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    if (summary.ok()) outcome.summary = *summary;
    EXPECT_TRUE((*out)->Commit().ok());
  }
  std::rewind(diagnostics);
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), diagnostics)) > 0) {
    outcome.diagnostics.append(buffer, n);
  }
  std::fclose(diagnostics);
  outcome.text = ReadFile(out_path);
  std::istringstream lines(outcome.text);
  std::string line;
  while (std::getline(lines, line)) outcome.queue.push_back(json::parse(line));
  return outcome;
}

Outcome RunTriage(const std::vector<json>& traces, const TriageOptions& options = {}) {
  return RunTriageText(Lines(traces), options);
}

// The (signal, detail) pairs of a queued trace.
std::vector<std::string> Signals(const json& queued) {
  std::vector<std::string> names;
  for (const json& reason : queued["_triage"]["reasons"]) names.push_back(reason["signal"]);
  return names;
}

std::string Detail(const json& queued, const std::string& signal) {
  for (const json& reason : queued["_triage"]["reasons"]) {
    if (reason["signal"] == signal) return reason["detail"];
  }
  return "";
}

// The queued trace with `id`, or null.
json Find(const Outcome& outcome, const std::string& id) {
  for (const json& queued : outcome.queue) {
    if (queued["trace_id"] == id) return queued;
  }
  return nullptr;
}

TEST(TriageSignalsTest, PlainTracesQueueNothing) {
  Outcome outcome = RunTriage({Plain("a"), Plain("b")});
  EXPECT_EQ(outcome.summary.traces, 2u);
  EXPECT_THAT(outcome.queue, IsEmpty());
}

TEST(TriageSignalsTest, ContextPressureFiresAboveTheRatio) {
  json high = Plain("high"), near_miss = Plain("near"), over = Plain("over");
  high["usage"]["input_tokens"] = 7950;       // 97%
  near_miss["usage"]["input_tokens"] = 7300;  // 89%: under the default 0.9
  over["usage"]["input_tokens"] = 9000;       // 110%
  Outcome outcome = RunTriage({high, near_miss, over});
  ASSERT_EQ(outcome.queue.size(), 2u);
  EXPECT_EQ(outcome.queue[0]["trace_id"], "over");  // stronger beyond the window
  EXPECT_EQ(outcome.queue[1]["trace_id"], "high");
  EXPECT_EQ(Detail(outcome.queue[1], "context_pressure"), "input tokens 7,950 of 8,192 (97%)");
  EXPECT_THAT(Detail(outcome.queue[0], "context_pressure"), HasSubstr("over the context window"));
  EXPECT_GT(outcome.queue[0]["_triage"]["score"], outcome.queue[1]["_triage"]["score"]);

  TriageOptions lower;
  lower.context_ratio = 0.85;
  EXPECT_TRUE(Find(RunTriage({near_miss}, lower), "near").is_object());
}

// Iglewicz & Hoaglin's modified z-score, computed here the plain way.
double ModifiedZ(std::vector<double> values, double x) {
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  double m = median(values);
  std::vector<double> deviations;
  for (double v : values) deviations.push_back(std::fabs(v - m));
  return 0.6745 * (x - m) / median(deviations);
}

TEST(TriageSignalsTest, TokenSpikeUsesTheRobustZOfItsModelAndIntent) {
  std::vector<json> traces;
  std::vector<double> totals;
  std::mt19937 rng(3);
  for (int i = 0; i < 40; ++i) {
    json trace = Plain("g" + std::to_string(i));
    int output = 40 + static_cast<int>(rng() % 21);  // totals 140..160
    trace["usage"]["output_tokens"] = output;
    totals.push_back(100 + output);
    traces.push_back(trace);
  }
  // Three candidates above every other trace, so the group's median and MAD do not depend on
  // their exact values: the cut x* where z = 3.5, the integers either side of it.
  std::vector<double> group = totals;
  group.insert(group.end(), {1000, 1000, 1000});
  double z_of_1000 = ModifiedZ(group, 1000);
  // z is linear in x: z(x) = z(1000) * (x - m) / (1000 - m), with m the median.
  std::vector<double> sorted = group;
  std::sort(sorted.begin(), sorted.end());
  double m = sorted[sorted.size() / 2];
  double cut = m + 3.5 * (1000 - m) / z_of_1000;
  ASSERT_GT(cut, 161);
  double just = std::ceil(cut), below = std::ceil(cut) - 1;
  ASSERT_LT(ModifiedZ(group, below), 3.5);
  ASSERT_GE(ModifiedZ(group, just), 3.5);
  json spike = Plain("spike"), at_cut = Plain("just"), near_miss = Plain("near");
  spike["usage"]["output_tokens"] = 900;
  at_cut["usage"]["output_tokens"] = just - 100;
  near_miss["usage"]["output_tokens"] = below - 100;
  traces.insert(traces.end(), {spike, at_cut, near_miss});
  Outcome outcome = RunTriage(traces);
  json queued = Find(outcome, "spike");
  ASSERT_TRUE(queued.is_object()) << outcome.text;
  EXPECT_THAT(Detail(queued, "token_spike"),
              HasSubstr("over 43 traces of model 'm1', intent 'billing'"));
  char z_text[32];
  std::snprintf(z_text, sizeof(z_text), "robust z %.1f", ModifiedZ(group, 1000));
  EXPECT_THAT(Detail(queued, "token_spike"), HasSubstr(z_text));
  EXPECT_TRUE(Find(outcome, "just").is_object());
  EXPECT_TRUE(Find(outcome, "near").is_null());
  // Stronger spikes rank higher.
  EXPECT_EQ(outcome.queue[0]["trace_id"], "spike");
}

TEST(TriageSignalsTest, TokenSpikeWithZeroMadFallsBackToTheMeanAbsoluteDeviation) {
  std::vector<json> traces;
  for (int i = 0; i < 12; ++i) traces.push_back(Plain("same" + std::to_string(i)));  // 150 each
  json a = Plain("a"), b = Plain("b"), spike = Plain("spike");
  a["usage"]["output_tokens"] = 60;       // 160
  b["usage"]["output_tokens"] = 40;       // 140
  spike["usage"]["output_tokens"] = 950;  // 1050
  traces.insert(traces.end(), {a, b, spike});
  Outcome outcome = RunTriage(traces);
  ASSERT_EQ(outcome.queue.size(), 1u) << outcome.text;
  EXPECT_EQ(outcome.queue[0]["trace_id"], "spike");
  // MeanAD = (10 + 10 + 900) / 15; z = 900 / (1.253314 MeanAD).
  double mean_ad = 920.0 / 15;
  char expected[96];
  std::snprintf(expected, sizeof(expected), "MAD 0, mean absolute deviation %.1f: robust z %.1f",
                mean_ad, 900 / (1.253314 * mean_ad));
  EXPECT_THAT(Detail(outcome.queue[0], "token_spike"), HasSubstr(expected));

  // Every trace of the group the same: nothing stands out.
  std::vector<json> flat(traces.begin(), traces.begin() + 12);
  EXPECT_THAT(RunTriage(flat).queue, IsEmpty());
}

TEST(TriageSignalsTest, SmallGroupsAreJudgedByTheirModelOrNotAtAll) {
  std::vector<json> traces;
  for (int i = 0; i < 20; ++i) {
    json trace = Plain("m" + std::to_string(i));
    trace["usage"]["output_tokens"] = 40 + i;
    traces.push_back(trace);
  }
  json rare = Plain("rare");  // an intent with 1 trace: judged against all of m1
  rare["metadata"]["intent"] = "compliance";
  rare["usage"]["output_tokens"] = 2000;
  json alone = Plain("alone");  // a model with 1 trace: not judged
  alone["model"] = "m2";
  alone["usage"]["output_tokens"] = 2000;
  traces.push_back(rare);
  traces.push_back(alone);
  Outcome outcome = RunTriage(traces);
  ASSERT_EQ(outcome.queue.size(), 1u) << outcome.text;
  EXPECT_EQ(outcome.queue[0]["trace_id"], "rare");
  EXPECT_THAT(Detail(outcome.queue[0], "token_spike"),
              HasSubstr("over 21 traces of model 'm1' (intent 'compliance' has fewer than 10)"));
}

TEST(TriageSignalsTest, ResubmissionFlagsTheEarlierTurnOfASimilarQuickRetry) {
  auto turn = [](const std::string& id, const std::string& session, const std::string& time,
                 const std::string& input) {
    json trace = Plain(id);
    trace["session_id"] = session;
    trace["timestamp"] = time;
    trace["input"] = input;
    return trace;
  };
  const std::string ask =
      "I was charged twice for invoice INV-2026-16224 this month, please refund";
  const std::string again =
      "I was charged twice for invoice INV-2026-16224 this month. Please refund!";
  std::vector<json> traces = {
      turn("first", "s1", "2026-11-20T10:00:00Z", ask),
      turn("second", "s1", "2026-11-20T10:01:00Z", again),
      // Too late: 301 s after.
      turn("late1", "s2", "2026-11-20T10:00:00Z", ask),
      turn("late2", "s2", "2026-11-20T10:05:01Z", again),
      // Soon, but another question.
      turn("other1", "s3", "2026-11-20T10:00:00Z", ask),
      turn("other2", "s3", "2026-11-20T10:00:30Z", "How do I add a team member to my workspace?"),
      // The same question in another session.
      turn("x1", "s4", "2026-11-20T10:00:00Z", ask),
      turn("x2", "s5", "2026-11-20T10:00:10Z", ask),
  };
  ASSERT_GE(ExactShingleSimilarity(ask, again), 0.7);
  Outcome outcome = RunTriage(traces);
  ASSERT_EQ(outcome.queue.size(), 1u) << outcome.text;
  EXPECT_EQ(outcome.queue[0]["trace_id"], "first");
  EXPECT_THAT(Detail(outcome.queue[0], "resubmission"),
              HasSubstr("asked again 60 s later in 'second'"));

  TriageOptions wider;
  wider.resubmit_window_s = 301;
  EXPECT_TRUE(Find(RunTriage(traces, wider), "late1").is_object());
}

TEST(TriageSignalsTest, ResubmissionFollowsTimestampsNotInputOrder) {
  json later = Plain("b"), earlier = Plain("a");
  later["session_id"] = earlier["session_id"] = "s";
  earlier["timestamp"] = "2026-11-20T10:00:00+01:00";  // 09:00Z
  later["timestamp"] = "2026-11-20T09:02:00Z";
  Outcome outcome = RunTriage({later, earlier});
  ASSERT_EQ(outcome.queue.size(), 1u);
  EXPECT_EQ(outcome.queue[0]["trace_id"], "a");
  EXPECT_THAT(Detail(outcome.queue[0], "resubmission"), HasSubstr("120 s later in 'b'"));
}

TEST(TriageSignalsTest, ToolErrorsAndRetries) {
  json failed = Plain("failed"), retried = Plain("retried"), fine = Plain("fine");
  failed["tool_calls"] = json::array({{{"name", "search"}, {"error", nullptr}},
                                      {{"name", "refund"}, {"error", "timeout after 5000 ms"}}});
  retried["tool_calls"] = json::array(
      {{{"name", "lookup"}, {"error", nullptr}}, {{"name", "lookup"}, {"error", nullptr}}});
  // Near miss: no error, and the same tool again but not right after itself.
  fine["tool_calls"] = json::array({{{"name", "lookup"}, {"error", nullptr}},
                                    {{"name", "search"}, {"error", nullptr}},
                                    {{"name", "lookup"}}});
  Outcome outcome = RunTriage({failed, retried, fine});
  ASSERT_EQ(outcome.queue.size(), 2u) << outcome.text;
  EXPECT_EQ(Detail(Find(outcome, "failed"), "tool_errors"),
            "call 2 'refund' failed: 'timeout after 5000 ms'");
  EXPECT_EQ(Detail(Find(outcome, "retried"), "tool_errors"), "call 2 repeats 'lookup' (a retry)");
  EXPECT_TRUE(Find(outcome, "fine").is_null());
}

TEST(TriageSignalsTest, RefusalsInTheDemoLanguages) {
  json en = Plain("en"), ja = Plain("ja"), fine = Plain("fine");
  en["output"] = "I'M SORRY, BUT I CAN'T HELP WITH THAT.";
  ja["output"] = "申し訳ありませんが、その件についてはお手伝いできません。";
  fine["output"] = "I'm sorry for the wait, but I can help with that: open Billing.";
  Outcome outcome = RunTriage({en, ja, fine});
  ASSERT_EQ(outcome.queue.size(), 2u) << outcome.text;
  EXPECT_EQ(Detail(Find(outcome, "en"), "refusal"),
            "output contains 'I'M SORRY, BUT I CAN'T HELP WITH THAT'");
  EXPECT_THAT(Detail(Find(outcome, "ja"), "refusal"), HasSubstr("お手伝いできません"));

  TriageOptions own;
  own.refusal_phrases = {"I'm sorry for the wait"};
  EXPECT_TRUE(Find(RunTriage({fine}, own), "fine").is_object());
}

TEST(TriageSignalsTest, GuardrailStatusesAndFinishReasons) {
  json blocked = Plain("blocked"), filtered = Plain("filtered"), span = Plain("span");
  json failed = Plain("failed"), stopped = Plain("stopped");
  blocked["status"] = "Blocked";
  filtered["finish_reason"] = "content_filter";
  span["otel"] = {
      {"spans",
       json::array({{{"name", "llm"},
                     {"attributes",
                      {{"gen_ai.response.finish_reasons", json::array({"content_filter"})}}}}})}};
  failed["status"] = "error";         // an error is not a guardrail
  stopped["finish_reason"] = "stop";  // a normal end
  Outcome outcome = RunTriage({blocked, filtered, span, failed, stopped});
  ASSERT_EQ(outcome.queue.size(), 3u) << outcome.text;
  EXPECT_EQ(Detail(Find(outcome, "blocked"), "guardrail"), "status 'Blocked'");
  EXPECT_EQ(Detail(Find(outcome, "filtered"), "guardrail"), "finish_reason 'content_filter'");
  EXPECT_EQ(Detail(Find(outcome, "span"), "guardrail"),
            "span 'llm' finished with 'content_filter'");
}

TEST(TriageSignalsTest, NegativeFeedbackQuotesTheComment) {
  json down = Plain("down"), bare = Plain("bare"), up = Plain("up");
  down["feedback"] = {{"thumbs", "down"}, {"comment", "This didn't answer my question."}};
  bare["feedback"] = {{"thumbs", "down"}, {"comment", nullptr}};
  up["feedback"] = {{"thumbs", "up"}, {"comment", "didn't expect it to work"}};
  Outcome outcome = RunTriage({down, bare, up});
  ASSERT_EQ(outcome.queue.size(), 2u);
  EXPECT_EQ(Detail(Find(outcome, "down"), "negative_feedback"),
            "thumbs down: 'This didn't answer my question.'");
  EXPECT_EQ(Detail(Find(outcome, "bare"), "negative_feedback"), "thumbs down, no comment");
  EXPECT_EQ(outcome.summary.fired[static_cast<size_t>(TriageSignal::kNegativeFeedback)], 2u);
}

TEST(TriageQueueTest, RanksByScoreThenTraceId) {
  json two = Plain("z-two"), one_b = Plain("b-one"), one_a = Plain("a-one");
  two["feedback"]["thumbs"] = "down";
  two["status"] = "blocked";
  one_b["feedback"]["thumbs"] = "down";
  one_a["status"] = "blocked";
  Outcome outcome = RunTriage({one_b, two, one_a});
  ASSERT_EQ(outcome.queue.size(), 3u);
  std::vector<std::string> ids;
  for (const json& q : outcome.queue) ids.push_back(q["trace_id"]);
  EXPECT_THAT(ids, ElementsAre("z-two", "a-one", "b-one"));
  EXPECT_EQ(outcome.queue[0]["_triage"]["rank"], 1);
  EXPECT_EQ(outcome.queue[0]["_triage"]["score"], 2.0);
  EXPECT_THAT(Signals(outcome.queue[0]), ElementsAre("guardrail", "negative_feedback"));
  EXPECT_EQ(outcome.queue[2]["_triage"]["rank"], 3);
  // Weights scale a signal's part of the score.
  TriageOptions weighted;
  weighted.weights[static_cast<size_t>(TriageSignal::kNegativeFeedback)] = 3;
  Outcome reweighted = RunTriage({one_b, two, one_a}, weighted);
  EXPECT_EQ(reweighted.queue[0]["_triage"]["score"], 4.0);
  EXPECT_EQ(reweighted.queue[1]["trace_id"], "b-one");
  // --top cuts the queue.
  TriageOptions top;
  top.top = 2;
  EXPECT_EQ(RunTriage({one_b, two, one_a}, top).queue.size(), 2u);
}

TEST(TriageQueueTest, AtMostOneTracePerSessionByDefault) {
  std::vector<json> traces;
  for (int i = 0; i < 3; ++i) {
    json trace = Plain("t" + std::to_string(i));
    trace["session_id"] = "shared";
    trace["timestamp"] = "2026-11-20T1" + std::to_string(i) + ":00:00Z";  // hours apart
    trace["feedback"]["thumbs"] = "down";
    traces.push_back(trace);
  }
  json loner = Plain("loner");
  loner["status"] = "blocked";
  traces.push_back(loner);
  EXPECT_EQ(RunTriage(traces).queue.size(), 2u);
  TriageOptions two, unlimited;
  two.per_session = 2;
  unlimited.per_session = 0;
  EXPECT_EQ(RunTriage(traces, two).queue.size(), 3u);
  EXPECT_EQ(RunTriage(traces, unlimited).queue.size(), 4u);
  // Traces without a session are not capped.
  for (json& trace : traces) trace.erase("session_id");
  EXPECT_EQ(RunTriage(traces).queue.size(), 4u);
}

TEST(TriageQueueTest, ShuffledInputGivesTheSameBytesWhateverTheThreads) {
  std::string demo = ReadFile("datasets/demo/traces.jsonl");
  std::vector<std::string> lines;
  std::istringstream stream(demo);
  for (std::string line; std::getline(stream, line);) lines.push_back(line + "\n");
  ASSERT_EQ(lines.size(), 1000u);
  // A duplicate trace_id with other content, so the content tie-break is exercised too.
  json twin = json::parse(lines[0]);
  twin["feedback"] = {{"thumbs", "down"}, {"comment", "twin a"}};
  lines.push_back(twin.dump() + "\n");
  twin["feedback"]["comment"] = "twin b";
  lines.push_back(twin.dump() + "\n");
  TriageOptions options;
  options.top = 200;
  options.per_session = 0;
  std::string joined;
  for (const std::string& line : lines) joined += line;
  options.threads = 1;
  Outcome reference = RunTriageText(joined, options);
  ASSERT_EQ(reference.queue.size(), 200u);
  std::mt19937 rng(11);
  for (int round = 0; round < 2; ++round) {
    options.threads = 2 + round;  // traces reach the queue in another order again
    std::shuffle(lines.begin(), lines.end(), rng);
    std::string shuffled;
    for (const std::string& line : lines) shuffled += line;
    ASSERT_NE(shuffled, joined);
    EXPECT_EQ(RunTriageText(shuffled, options).text, reference.text);
  }
}

TEST(TriageQueueTest, StreamingGroupStatsGiveTheSameBytesWhateverTheThreads) {
  // 3,000 traces in one group, past the sketch's capacity of 1,024: the estimate depends on the
  // order the sketch sees, which is the input's, not the workers'. Token counts mostly distinct,
  // so that another order would give another estimate (checked below) and other bytes.
  std::vector<json> traces;
  std::vector<uint32_t> totals;
  std::mt19937 rng(17);
  for (int i = 0; i < 3000; ++i) {
    json trace = Plain("g" + std::to_string(i));
    trace["usage"]["output_tokens"] = 1000 + static_cast<int>(rng() % 100000);
    trace["usage"]["context_window"] = 100000000;  // no context pressure
    traces.push_back(trace);
  }
  for (int spike : {400, 700, 1000}) {
    traces[static_cast<size_t>(spike)]["usage"]["output_tokens"] = spike * 10000;
  }
  for (const json& trace : traces) {
    totals.push_back(trace["usage"]["input_tokens"].get<uint32_t>() +
                     trace["usage"]["output_tokens"].get<uint32_t>());
  }
  QuantileSketch in_order, reversed;
  for (uint32_t total : totals) in_order.Add(total);
  for (auto it = totals.rbegin(); it != totals.rend(); ++it) reversed.Add(*it);
  ASSERT_NE(SketchTokenStats(in_order).median, SketchTokenStats(reversed).median);
  TriageOptions options;
  options.group_stats = TriageGroupStats::kStreaming;
  options.top = 10;
  options.threads = 1;
  Outcome one = RunTriage(traces, options);
  ASSERT_EQ(one.queue.size(), 3u) << one.text;
  EXPECT_THAT(Detail(one.queue[0], "token_spike"), HasSubstr("against an estimated median of"));
  for (size_t threads : {2, 3}) {
    options.threads = threads;
    EXPECT_EQ(RunTriage(traces, options).text, one.text);
  }
}

TEST(TriageStreamTest, RedactsWhenGivenARedactor) {
  json trace = Plain("pii");
  trace["input"] = "Refund me, I am jane.doe@example.com";
  trace["feedback"] = {{"thumbs", "down"}, {"comment", "call me at +1 415 555 0123"}};
  Outcome redacted = RunTriageText(Lines({trace}), TriageOptions(), /*redact=*/true);
  ASSERT_EQ(redacted.queue.size(), 1u);
  EXPECT_EQ(redacted.queue[0]["input"], "Refund me, I am <EMAIL>");
  EXPECT_THAT(redacted.text, Not(HasSubstr("555 0123")));
  EXPECT_EQ(redacted.summary.redactions[PiiType::kEmail], 1u);
  EXPECT_EQ(redacted.summary.redactions[PiiType::kPhone], 2u);  // the comment and its quote
  Outcome raw = RunTriageText(Lines({trace}), TriageOptions(), /*redact=*/false);
  EXPECT_EQ(raw.queue[0]["input"], "Refund me, I am jane.doe@example.com");
  EXPECT_THAT(Detail(raw.queue[0], "negative_feedback"), HasSubstr("+1 415 555 0123"));
}

TEST(TriageStreamTest, BrokenLinesAreReportedAndSkipped) {
  json down = Plain("down");
  down["feedback"]["thumbs"] = "down";
  std::string text =
      down.dump() + "\n[1, 2]\n{oops\n{\"session_id\": \"s\"}\n\n" + Plain("b").dump() + "\n";
  Outcome outcome = RunTriageText(text, TriageOptions());
  EXPECT_EQ(outcome.summary.traces, 2u);
  EXPECT_EQ(outcome.summary.skipped, 3u);
  EXPECT_THAT(outcome.diagnostics,
              HasSubstr("traces.jsonl:2: a trace must be a JSON object; skipped"));
  EXPECT_THAT(outcome.diagnostics, HasSubstr("traces.jsonl:3: not valid JSON"));
  EXPECT_THAT(outcome.diagnostics, HasSubstr("traces.jsonl:4: no trace_id"));
  ASSERT_EQ(outcome.queue.size(), 1u);
  EXPECT_EQ(outcome.queue[0]["trace_id"], "down");  // found again past the broken lines
}

TEST(TriageOptionsTest, PolicyMappingSetsThresholdsAndRejectsUnknownKeys) {
  TriageOptions options;
  YAML::Node root = YAML::Load(
      "strata: [metadata.intent]\n"
      "triage:\n  context_ratio: 0.8\n  per_session: 3\n  weights: {refusal: 2}\n"
      "  refusal_phrases: [nope]\n");
  ASSERT_TRUE(ApplyTriagePolicy(root, "p.yaml", options).ok());
  EXPECT_EQ(options.context_ratio, 0.8);
  EXPECT_EQ(options.per_session, 3u);
  EXPECT_EQ(options.weights[static_cast<size_t>(TriageSignal::kRefusal)], 2);
  EXPECT_THAT(options.refusal_phrases, ElementsAre("nope"));

  Status unknown = ApplyTriagePolicy(YAML::Load("triage:\n  context_ratio: 0.8\n  spike: 3\n"),
                                     "p.yaml", options);
  EXPECT_THAT(unknown.message(), HasSubstr("p.yaml:3:3: unknown key 'spike'"));
  Status signal =
      ApplyTriagePolicy(YAML::Load("triage:\n  weights: {refusals: 1}\n"), "p.yaml", options);
  EXPECT_THAT(signal.message(), HasSubstr("p.yaml:2:13: unknown key 'refusals'"));
  Status range =
      ApplyTriagePolicy(YAML::Load("triage:\n  context_ratio: 1.5\n"), "p.yaml", options);
  EXPECT_THAT(range.message(), HasSubstr("context_ratio must be between 0 and 1"));
  Status type = ApplyTriagePolicy(YAML::Load("triage:\n  spike_z: high\n"), "p.yaml", options);
  EXPECT_THAT(type.message(), HasSubstr("p.yaml:2:12: spike_z must be a number"));
}

TEST(TextFingerprintTest, EstimatesTheShingleJaccardSimilarity) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"Where is my parcel? Order ORD-2026-201083 was due yesterday.",
       "Where is my parcel? Order ORD-2026-201083 was due yesterday!!"},
      {"Hi, I was charged twice for invoice INV-2026-16224 this month.",
       "Hi, I was charged twice for invoice INV-2026-94676 this month."},
      {"How do I turn on two-factor authentication for my account?",
       "Please cancel my subscription at the end of the billing period."},
      {"申し訳ありませんが、その件についてはお手伝いできません",
       "その件についてはお手伝いできません"},
  };
  for (const auto& [a, b] : pairs) {
    double exact = ExactShingleSimilarity(a, b);
    double estimate = FingerprintSimilarity(FingerprintText(a), FingerprintText(b));
    EXPECT_NEAR(estimate, exact, 0.25) << a << " / " << b;
  }
  EXPECT_EQ(FingerprintSimilarity(FingerprintText("Same  TEXT"), FingerprintText("same text")),
            1.0);
  EXPECT_EQ(FingerprintSimilarity(FingerprintText(""), FingerprintText("")), 0.0);
  EXPECT_EQ(FingerprintSimilarity(FingerprintText("   "), FingerprintText("a")), 0.0);
}

}  // namespace
}  // namespace arbiter
