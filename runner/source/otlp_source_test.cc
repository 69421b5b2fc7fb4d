// The OTLP/JSON source end to end: fixtures made by the OpenTelemetry JS SDK for each convention
// (tests/fixtures/otlp/make_fixtures.mjs), the input forms, span assembly, errors and memory.
#include "runner/source/otlp_source.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include "runner/source/trace_source.h"

namespace arbiter {
namespace {

using nlohmann::json;

std::string FixturePath(const std::string& name) {
  const char* root = std::getenv("ARBITER_SOURCE_DIR");
  return std::string(root ? root : ".") + "/tests/fixtures/otlp/" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string TempFile(const std::string& name, const std::string& content) {
  std::string path = ::testing::TempDir() + "otlp_source_test_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// What a source yields: traces (parsed) and errors, in order, as "line N: ..." for errors.
struct Read {
  std::vector<json> traces;
  std::vector<uint64_t> trace_lines;
  std::vector<std::string> errors;
  std::vector<std::string> order;  // "trace <id>" or "error" per record, in output order
  OtlpSourceStats stats;
};

Read ReadPath(const std::string& path, const OtlpAssemblyOptions& assembly = {},
              SourceOptions options = {}) {
  Read read;
  auto reader = LineReader::Open(path, options.max_line_bytes);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return read;
  auto source = MakeOtlpSource(std::move(*reader), options, assembly);
  TraceRecord record;
  while (source->Next(record)) {
    if (!record.error.empty()) {
      read.errors.push_back("line " + std::to_string(record.line) + ": " + record.error);
      read.order.push_back("error");
      continue;
    }
    json trace = json::parse(record.json);  // throws (fails the test) on malformed output
    read.order.push_back("trace " + trace["trace_id"].get<std::string>());
    read.traces.push_back(std::move(trace));
    read.trace_lines.push_back(record.line);
  }
  EXPECT_TRUE(source->status().ok()) << source->status().ToString();
  read.stats = source->stats();
  return read;
}

Read ReadText(const std::string& name, const std::string& text,
              const OtlpAssemblyOptions& assembly = {}) {
  return ReadPath(TempFile(name, text), assembly);
}

// One OTLP line holding `spans` (JSON text of span objects) in one resource and scope.
std::string Line(const std::string& spans) {
  return R"({"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[)" + spans +
         "]}]}]}\n";
}

std::string Span(const std::string& trace, const std::string& span, const std::string& parent,
                 const std::string& attributes = "[]", int start_ms = 1) {
  std::string text = R"({"traceId":")" + trace + R"(","spanId":")" + span + '"';
  if (!parent.empty()) text += R"(,"parentSpanId":")" + parent + '"';
  return text + R"(,"name":"s","startTimeUnixNano":")" + std::to_string(start_ms * 1000000) +
         R"(","endTimeUnixNano":")" + std::to_string((start_ms + 2) * 1000000) + R"(",)" +
         R"("attributes":)" + attributes + "}";
}

std::string TraceId(int n) {
  char id[33];
  std::snprintf(id, sizeof(id), "%032x", n + 1);
  return id;
}

// The fields of SPEC "Trace format" (otel and metadata.service/provider aside).
json Fields(const json& trace) {
  json out = trace;
  out.erase("otel");
  return out;
}

TEST(OtlpSourceTest, OpenInferenceFixture) {
  Read read = ReadPath(FixturePath("openinference.json"));
  ASSERT_EQ(read.errors, std::vector<std::string>());
  ASSERT_EQ(read.traces.size(), 1u);
  const json& trace = read.traces[0];
  EXPECT_EQ(Fields(trace), json::parse(R"({
    "trace_id": "0af7651916cd43dd8448eb211c80319c", "session_id": "s-42", "user_id": "u-7",
    "timestamp": "2026-11-20T10:00:00Z",
    "input": "Where is my refund for order 1234?",
    "output": "Your refund was issued on 2026-11-18 [doc1].",
    "messages": [
      {"role": "system", "content": "Answer from the documents; cite them."},
      {"role": "user", "content": "Where is my refund for order 1234?"},
      {"role": "assistant", "content": "Your refund was issued on 2026-11-18 [doc1]."}],
    "retrieved_documents": [
      {"id": "doc1", "content": "Refund for order 1234 issued 2026-11-18.", "score": 0.92},
      {"id": "doc2", "content": "Refunds take 5-7 business days.", "score": 0.41,
       "metadata": {"source": "faq"}}],
    "tool_calls": [
      {"name": "lookup_order", "arguments": {"order_id": "1234"},
       "result": {"status": "refunded", "date": "2026-11-18"}, "error": null},
      {"name": "send_email", "arguments": {"to": "ana@example.com"}, "result": null,
       "error": "SMTP timeout after 30s"}],
    "model": "gpt-4o-mini", "prompt_version": "v12",
    "usage": {"input_tokens": 1200, "output_tokens": 300, "total_tokens": 1500,
              "context_window": 8192},
    "latency_ms": 1234, "status": "ok",
    "span_errors": {"count": 1, "messages": ["SMTP timeout after 30s"]},
    "metadata": {"service": "support-agent", "provider": "openai", "intent": "billing",
                 "language": "de"},
    "feedback": {"thumbs": "down", "comment": "slow answer"}})"));
  // The root said OK: a failed tool call the agent recovered from does not make the trace fail;
  // it is counted in span_errors.
  // Attributes no rule reads are kept per span, the root first.
  const json& otel = trace["otel"];
  EXPECT_EQ(otel["span_count"], 5);
  EXPECT_EQ(otel["resource"], json::parse(R"({"service.name": "support-agent"})"));
  EXPECT_EQ(otel["spans"][0], json::parse(R"({"name": "support-agent",
      "span_id": "0af7651916cd0001", "kind": "agent", "duration_ms": 1234,
      "attributes": {"app.region": "eu-west-1"}})"));
  EXPECT_EQ(otel["spans"][1]["attributes"], json::parse(R"({"input.value": "refund order 1234"})"));
  EXPECT_EQ(otel["spans"][2]["attributes"]["tool.parameters"],
            R"({"type":"object","properties":{"order_id":{"type":"string"}}})");
  EXPECT_EQ(otel["spans"][3]["error"], "SMTP timeout after 30s");
  EXPECT_EQ(otel["spans"][4]["attributes"],
            json::parse(R"({"llm.invocation_parameters": "{\"temperature\":0}"})"));
  EXPECT_EQ(read.trace_lines, std::vector<uint64_t>{1});
}

TEST(OtlpSourceTest, IntValueAsNumberOrStringReadsTheSame) {
  std::string numbers = ReadFile(FixturePath("openinference.json"));
  std::string strings = ReadFile(FixturePath("openinference_int_strings.json"));
  ASSERT_NE(numbers.find(R"("intValue":1200)"), std::string::npos);
  ASSERT_NE(strings.find(R"("intValue":"1200")"), std::string::npos);
  Read a = ReadPath(FixturePath("openinference.json"));
  Read b = ReadPath(FixturePath("openinference_int_strings.json"));
  ASSERT_EQ(b.traces.size(), 1u);
  EXPECT_EQ(a.traces, b.traces);
  EXPECT_TRUE(b.traces[0]["usage"]["input_tokens"].is_number_integer());
}

TEST(OtlpSourceTest, GenAiSpanEventsFixture) {
  Read read = ReadPath(FixturePath("genai_events.json"));
  ASSERT_EQ(read.errors, std::vector<std::string>());
  ASSERT_EQ(read.traces.size(), 1u);
  EXPECT_EQ(Fields(read.traces[0]), json::parse(R"({
    "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
    "session_id": "conv_5j66UpCpwteGg4YSxUnt7lPY", "timestamp": "2026-11-20T10:00:00Z",
    "input": "Weather in Paris?", "output": "It is rainy in Paris, 57°F.",
    "messages": [
      {"role": "system", "content": "You are a weather bot."},
      {"role": "user", "content": "Weather in Paris?"},
      {"role": "assistant", "tool_calls": [{"id": "call_VSPygqKTWdrhaFErNvMV18Yl",
                                            "name": "get_weather",
                                            "arguments": {"location": "Paris"}}]},
      {"role": "tool", "content": "rainy, 57°F", "tool_call_id": "call_VSPygqKTWdrhaFErNvMV18Yl"},
      {"role": "assistant", "content": "It is rainy in Paris, 57°F."}],
    "tool_calls": [{"name": "get_weather", "id": "call_VSPygqKTWdrhaFErNvMV18Yl",
                    "arguments": {"location": "Paris"}, "result": "rainy, 57°F", "error": null}],
    "model": "gpt-4-0613", "usage": {"input_tokens": 127, "output_tokens": 37},
    "latency_ms": 950, "status": "ok",
    "metadata": {"service": "weather-service", "provider": "openai"}})"));
  EXPECT_EQ(read.traces[0]["otel"]["spans"][0]["attributes"],
            json::parse(R"({"gen_ai.agent.name": "weather-agent"})"));
}

TEST(OtlpSourceTest, GenAiMessageAttributesFixturePrettyPrinted) {
  std::string text = ReadFile(FixturePath("genai_attributes.json"));
  ASSERT_EQ(text.substr(0, 2), "{\n");  // a request body over many lines
  Read read = ReadPath(FixturePath("genai_attributes.json"));
  ASSERT_EQ(read.errors, std::vector<std::string>());
  ASSERT_EQ(read.traces.size(), 2u);
  EXPECT_EQ(Fields(read.traces[0]), json::parse(R"({
    "trace_id": "5b8efff798038103d269b633813fc60c", "session_id": "conv-9",
    "timestamp": "2026-11-20T10:00:00Z",
    "input": "Translate to French: good morning", "output": "Bonjour",
    "messages": [{"role": "system", "content": "You are a translator."},
                 {"role": "user", "content": "Translate to French: good morning"},
                 {"role": "assistant", "content": "Bonjour"}],
    "model": "gpt-4o", "usage": {"input_tokens": 31, "output_tokens": 4},
    "latency_ms": 420, "status": "ok",
    "metadata": {"service": "translator", "provider": "openai"}})"));
  EXPECT_EQ(Fields(read.traces[1]), json::parse(R"({
    "trace_id": "6e0c63257de34c92bf9efcd03927272e", "timestamp": "2026-11-20T10:00:01Z",
    "input": "Translate to French: thank you",
    "messages": [{"role": "user", "content": "Translate to French: thank you"}],
    "model": "gpt-4o", "latency_ms": 15, "status": "error",
    "metadata": {"service": "translator", "provider": "openai"}})"));
  EXPECT_EQ(read.traces[1]["otel"]["spans"][0]["error"], "Too Many Requests");
  EXPECT_EQ(read.trace_lines, (std::vector<uint64_t>{1, 1}));  // the document's first line
}

TEST(OtlpSourceTest, OpenLlmetryFixture) {
  Read read = ReadPath(FixturePath("openllmetry.json"));
  ASSERT_EQ(read.errors, std::vector<std::string>());
  ASSERT_EQ(read.traces.size(), 1u);
  EXPECT_EQ(Fields(read.traces[0]), json::parse(R"({
    "trace_id": "7d3a1f7e59c24b8b9a6f1e2d3c4b5a69", "user_id": "u-9",
    "timestamp": "2026-11-20T10:00:00Z",
    "input": "How do I reset my password?", "output": "Use the reset link on the sign-in page.",
    "messages": [{"role": "system", "content": "Be brief."},
                 {"role": "user", "content": "How do I reset my password?"},
                 {"role": "assistant", "content": "Use the reset link on the sign-in page."}],
    "tool_calls": [{"name": "lookup_user", "arguments": {"email": "ana@example.com"},
                    "result": {"id": "u-9", "locked": false}, "error": null}],
    "model": "gpt-3.5-turbo-0125",
    "usage": {"input_tokens": 20, "output_tokens": 9, "total_tokens": 29},
    "latency_ms": 720, "status": "ok",
    "metadata": {"service": "helpdesk", "provider": "OpenAI", "user_id": "u-9", "tier": "pro"}})"));
  EXPECT_EQ(
      read.traces[0]["otel"]["spans"][0]["attributes"],
      json::parse(R"({"traceloop.workflow.name": "support", "traceloop.entity.name": "support"})"));
}

// An attribute list from pairs of key and AnyValue JSON.
std::string Attributes(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out = "[";
  for (const auto& [key, value] : pairs) {
    if (out.size() > 1) out += ",";
    out += R"({"key":")" + key + R"(","value":)" + value + "}";
  }
  return out + "]";
}

std::string Str(const std::string& text) { return json{{"stringValue", text}}.dump(); }

TEST(OtlpSourceTest, MessagesToolCallsAndOverridesAcrossSpans) {
  std::string t = TraceId(5);
  std::string root = Span(t, "0000000000000001", "",
                          Attributes({{"metadata", Str(R"({"intent":"billing","tier":"pro"})")},
                                      {"arbiter.trace_id", Str("t-000005")}}),
                          1);
  // A router call; the agent's call continues its conversation with a tool call and the tool's
  // reply (no tool span); a summarizer's separate call adds only its output.
  std::string router = Span(t, "0000000000000002", "0000000000000001",
                            Attributes({{"openinference.span.kind", Str("LLM")},
                                        {"llm.input_messages.0.message.role", Str("user")},
                                        {"llm.input_messages.0.message.content", Str("Refund?")},
                                        {"llm.output_messages.0.message.role", Str("assistant")},
                                        {"llm.output_messages.0.message.content", Str("billing")},
                                        {"llm.model_name", Str("router-small")},
                                        {"llm.token_count.prompt", R"({"intValue":"5"})"}}),
                            2);
  std::string agent = Span(
      t, "0000000000000003", "0000000000000001",
      Attributes(
          {{"openinference.span.kind", Str("LLM")},
           {"llm.input_messages.0.message.role", Str("user")},
           {"llm.input_messages.0.message.content", Str("Refund?")},
           {"llm.input_messages.1.message.role", Str("assistant")},
           {"llm.input_messages.1.message.content", Str("billing")},
           {"llm.input_messages.2.message.role", Str("assistant")},
           {"llm.input_messages.2.message.tool_calls.0.tool_call.id", Str("c1")},
           {"llm.input_messages.2.message.tool_calls.0.tool_call.function.name", Str("lookup")},
           {"llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments",
            Str(R"({"q":"refund"})")},
           {"llm.input_messages.3.message.role", Str("tool")},
           {"llm.input_messages.3.message.tool_call_id", Str("c1")},
           {"llm.input_messages.3.message.content", Str("found it")},
           {"llm.output_messages.0.message.role", Str("assistant")},
           {"llm.output_messages.0.message.content", Str("Refund sent.")},
           {"llm.token_count.prompt", R"({"intValue":7})"},
           {"llm.token_count.completion", R"({"intValue":3})"},
           {"arbiter.metadata.intent", Str("refund")}}),
      3);
  std::string summarizer =
      Span(t, "0000000000000004", "0000000000000001",
           Attributes(
               {{"openinference.span.kind", Str("LLM")},
                {"llm.input_messages.0.message.role", Str("user")},
                {"llm.input_messages.0.message.content", Str("Summarize the case.")},
                {"llm.output_messages.0.message.role", Str("assistant")},
                {"llm.output_messages.0.message.content", Str("Refund case, resolved.")},
                {"arbiter.feedback",
                 R"({"kvlistValue":{"values":[{"key":"thumbs","value":{"stringValue":"up"}}]}})"}}),
           4);
  Read read = ReadText("spans.jsonl", Line(summarizer + "," + agent) + Line(router + "," + root));
  ASSERT_EQ(read.errors, std::vector<std::string>());
  ASSERT_EQ(read.traces.size(), 1u);
  EXPECT_EQ(Fields(read.traces[0]), json::parse(R"({
    "trace_id": "t-000005", "timestamp": "1970-01-01T00:00:00.001Z",
    "input": "Refund?", "output": "Refund case, resolved.",
    "messages": [
      {"role": "user", "content": "Refund?"},
      {"role": "assistant", "content": "billing"},
      {"role": "assistant", "tool_calls": [{"id": "c1", "name": "lookup",
                                            "arguments": {"q": "refund"}}]},
      {"role": "tool", "content": "found it", "tool_call_id": "c1"},
      {"role": "assistant", "content": "Refund sent."},
      {"role": "assistant", "content": "Refund case, resolved."}],
    "tool_calls": [{"name": "lookup", "id": "c1", "arguments": {"q": "refund"},
                    "result": "found it", "error": null}],
    "model": "router-small", "usage": {"input_tokens": 12, "output_tokens": 3},
    "latency_ms": 2, "status": "ok",
    "metadata": {"intent": "refund", "tier": "pro"},
    "feedback": {"thumbs": "up"}})"));
  EXPECT_EQ(read.traces[0]["otel"]["spans"][3]["span_id"], "0000000000000004");
}

TEST(OtlpSourceTest, TraceSplitOverTwoRequestsIsAssembled) {
  std::string text = ReadFile(FixturePath("split_1.json")) + ReadFile(FixturePath("split_2.json"));
  Read read = ReadText("split.jsonl", text);
  ASSERT_EQ(read.errors, std::vector<std::string>());
  // Both complete at the end of input, in first-seen order; each keeps its first line.
  EXPECT_EQ(read.order, (std::vector<std::string>{"trace 8f1e2d3c4b5a69788796a5b4c3d2e1f0",
                                                  "trace 9a8b7c6d5e4f30211203f4e5d6c7b8a9"}));
  EXPECT_EQ(read.trace_lines, (std::vector<uint64_t>{1, 1}));
  EXPECT_EQ(Fields(read.traces[0]), json::parse(R"({
    "trace_id": "8f1e2d3c4b5a69788796a5b4c3d2e1f0", "timestamp": "2026-11-20T10:00:00Z",
    "input": "split question", "output": "split answer", "model": "small-model",
    "usage": {"input_tokens": 10, "output_tokens": 2}, "latency_ms": 100, "status": "ok",
    "metadata": {"service": "splitter"}})"));
  EXPECT_EQ(read.traces[0]["otel"]["span_count"], 2);

  // With a window of one document, the whole trace completes after line 2 while the split one,
  // whose root just arrived, waits for the end.
  Read windowed = ReadText("split_w1.jsonl", text, OtlpAssemblyOptions{.window = 1});
  EXPECT_EQ(windowed.order, (std::vector<std::string>{"trace 9a8b7c6d5e4f30211203f4e5d6c7b8a9",
                                                      "trace 8f1e2d3c4b5a69788796a5b4c3d2e1f0"}));
  EXPECT_EQ(windowed.traces[1], read.traces[0]);
}

TEST(OtlpSourceTest, WindowCompletionOrderIsFirstSeenAmongTies) {
  // Line 1: children of A and B; line 2: root of B then root of A; then filler lines.
  std::string a = TraceId(1), b = TraceId(2), filler = TraceId(3);
  std::string text = Line(Span(a, "00000000000000a2", "00000000000000a1") + "," +
                          Span(b, "00000000000000b2", "00000000000000b1")) +
                     Line(Span(b, "00000000000000b1", "") + "," + Span(a, "00000000000000a1", "")) +
                     Line(Span(filler, "00000000000000c1", "")) +
                     Line(Span(filler, "00000000000000c2", "00000000000000c1"));
  Read read = ReadText("ties.jsonl", text, OtlpAssemblyOptions{.window = 2});
  // A and B complete together after line 4 (two documents without spans): A was seen first.
  EXPECT_EQ(read.order, (std::vector<std::string>{"trace " + a, "trace " + b, "trace " + filler}));
  EXPECT_EQ(read.trace_lines, (std::vector<uint64_t>{1, 1, 3}));
}

TEST(OtlpSourceTest, RootlessTraceIsEmittedAfterItsOwnWindow) {
  std::string orphan = TraceId(7);
  std::string text = Line(Span(orphan, "0000000000000002", "0000000000000001"));
  for (int i = 0; i < 5; ++i) text += Line(Span(TraceId(100 + i), "0000000000000001", ""));
  Read read = ReadText("rootless.jsonl", text, {.window = 1, .rootless_window = 3});
  ASSERT_EQ(read.traces.size(), 6u);
  // Complete at the end of line 4 (3 documents without spans), with line 3's trace, and first
  // seen before it; line 2's trace completed at the end of line 3.
  EXPECT_EQ(read.order,
            (std::vector<std::string>{"trace " + TraceId(100), "trace " + orphan,
                                      "trace " + TraceId(101), "trace " + TraceId(102),
                                      "trace " + TraceId(103), "trace " + TraceId(104)}));
  // Without a parentless span, the span whose parent is missing is the root.
  EXPECT_EQ(read.traces[1]["otel"]["spans"][0]["span_id"], "0000000000000002");
}

TEST(OtlpSourceTest, LateSpanIsAnErrorRecord) {
  std::string t = TraceId(1);
  std::string text = Line(Span(t, "0000000000000001", "")) +
                     Line(Span(TraceId(2), "0000000000000001", "")) +
                     Line(Span(TraceId(3), "0000000000000001", "")) +
                     Line(Span(t, "0000000000000002", "0000000000000001"));
  Read read = ReadText("late.jsonl", text, OtlpAssemblyOptions{.window = 1});
  EXPECT_EQ(read.errors, std::vector<std::string>{"line 4: late span 0000000000000002 for trace " +
                                                  t + ": the trace was already emitted"});
  EXPECT_EQ(read.order, (std::vector<std::string>{"trace " + t, "trace " + TraceId(2), "error",
                                                  "trace " + TraceId(3)}));
  EXPECT_EQ(read.traces[0]["otel"]["span_count"], 1);
  EXPECT_EQ(read.stats.late_spans, 1u);
}

TEST(OtlpSourceTest, MalformedInputIsReportedAndReadingGoesOn) {
  std::string good = Span(TraceId(9), "0000000000000001", "",
                          R"([{"key":"input.value","value":{"stringValue":"still read"}}])");
  std::string text =
      "not json\n"
      "{\"resourceLogs\": []}\n"
      "{\"resourceSpans\": {}}\n" +
      Line(R"({"spanId":"00f067aa0ba902b7","name":"a"})") +
      Line(R"({"traceId":")" + TraceId(1) +
           R"(","spanId":"00f067aa0ba902b7","name":"b","attributes":{"k":1}})") +
      "\n" +
      Line(
          R"({"traceId":")" + TraceId(2) +
          R"(","spanId":"00f067aa0ba902b7","name":"c","attributes":[{"key":"n","value":{"intValue":"abc"}},{"key":"input.value","value":{"stringValue":"kept"}}]})") +
      Line(R"({"traceId":"xyz","spanId":"00f067aa0ba902b7"})") +
      Line(R"({"traceId":")" + TraceId(3) + R"(","spanId":"0000000000000000"})") +
      Line(
          R"({"traceId":")" + TraceId(4) +
          R"(","spanId":"0000000000000001","startTimeUnixNano":-5,"status":{"code":7},"events":{}})") +
      "[1, 2]\n" + Line(good) + "{\"resourceSpans\": [\n";
  Read read = ReadText("malformed.jsonl", text);
  EXPECT_EQ(
      read.errors,
      (std::vector<std::string>{
          "line 1: not valid JSON at column 2: syntax error while parsing value - invalid literal; "
          "last read: 'no'",
          "line 2: not an OTLP trace document: no \"resourceSpans\"",
          "line 3: \"resourceSpans\" is not an array",
          "line 4: resourceSpans[0].scopeSpans[0].spans[0] (\"a\"): no traceId",
          "line 5: resourceSpans[0].scopeSpans[0].spans[0] (\"b\"): \"attributes\" is not an array",
          "line 7: resourceSpans[0].scopeSpans[0].spans[0] (\"c\"): attributes \"n\": intValue "
          "\"abc\" "
          "is not an int64",
          "line 8: resourceSpans[0].scopeSpans[0].spans[0]: traceId \"xyz\" is not 16 bytes of hex",
          "line 9: resourceSpans[0].scopeSpans[0].spans[0]: spanId is all zeros",
          "line 10: resourceSpans[0].scopeSpans[0].spans[0]: startTimeUnixNano is not a "
          "non-negative "
          "integer or decimal string",
          "line 10: resourceSpans[0].scopeSpans[0].spans[0]: \"events\" is not an array",
          "line 10: resourceSpans[0].scopeSpans[0].spans[0]: status.code is not 0, 1, 2 or a "
          "STATUS_CODE_* name",
          "line 11: not an OTLP trace document: not a JSON object",
          "line 13: not valid JSON at column 20: syntax error while parsing value - unexpected end "
          "of input; expected '[', '{', or a literal"}));
  // Spans with a bad attribute, event or status are kept without it.
  ASSERT_EQ(read.traces.size(), 4u);
  EXPECT_EQ(read.traces[0]["trace_id"], TraceId(1));
  EXPECT_EQ(read.traces[1]["input"], "kept");
  EXPECT_EQ(read.traces[2]["trace_id"], TraceId(4));
  EXPECT_EQ(read.traces[3]["input"], "still read");
  EXPECT_EQ(read.trace_lines, (std::vector<uint64_t>{5, 7, 10, 12}));
}

// The 1-based line at which `offset` of `text` is.
uint64_t LineAt(const std::string& text, size_t offset) {
  return 1 + std::count(text.begin(), text.begin() + offset, '\n');
}

TEST(OtlpSourceTest, PrettyDocumentsMixWithLines) {
  std::string pretty = json::parse(Line(Span(TraceId(1), "0000000000000001", ""))).dump(2) + "\n";
  std::string text = "\n";
  size_t first = text.size();
  text += pretty + "\n";
  size_t second = text.size();
  text += Line(Span(TraceId(2), "0000000000000001", ""));
  size_t truncated = text.size();
  text += pretty.substr(0, pretty.size() / 2) + "\n";
  size_t third = text.size();
  text += json::parse(Line(Span(TraceId(3), "0000000000000001", ""))).dump(2) + "\n";
  Read read = ReadText("pretty.jsonl", text);
  EXPECT_EQ(read.errors,
            std::vector<std::string>{"line " + std::to_string(LineAt(text, truncated)) +
                                     ": truncated JSON document (a new document starts at line " +
                                     std::to_string(LineAt(text, third)) + ")"});
  EXPECT_EQ(read.trace_lines, (std::vector<uint64_t>{LineAt(text, first), LineAt(text, second),
                                                     LineAt(text, third)}));
  EXPECT_EQ(LineAt(text, first), 2u);

  Read unterminated = ReadText("unterminated.jsonl", "{\n  \"resourceSpans\": [\n");
  EXPECT_EQ(unterminated.errors,
            std::vector<std::string>{"line 1: unterminated JSON document (the input ends first)"});
}

TEST(OtlpSourceTest, OversizedLinesAndDocumentsAreSkipped) {
  std::string big =
      Line(Span(TraceId(1), "0000000000000001", "",
                R"([{"key":"x","value":{"stringValue":")" + std::string(300, 'x') + R"("}}])"));
  std::string pretty = json::parse(big).dump(2);
  std::string small = Line(Span(TraceId(2), "0000000000000001", ""));
  Read read = ReadPath(TempFile("oversized.jsonl", big + pretty + "\n" + small),
                       OtlpAssemblyOptions(), SourceOptions{.max_line_bytes = 256});
  EXPECT_EQ(read.errors,
            (std::vector<std::string>{"line 1: line of " + std::to_string(big.size() - 1) +
                                          " bytes exceeds the limit of 256 bytes",
                                      "line 2: document exceeds the limit of 256 bytes"}));
  ASSERT_EQ(read.traces.size(), 1u);
  EXPECT_EQ(read.traces[0]["trace_id"], TraceId(2));
}

TEST(OtlpSourceTest, Base64IdsAndLegacyScopeName) {
  std::string text =
      Line("") +
      R"({"resourceSpans":[{"instrumentationLibrarySpans":[{"spans":[)"
      R"({"traceId":"S/kvNXezTaajzpKdDg5HNg==","spanId":"APBnqguqArc=",)"
      R"("startTimeUnixNano":1795168800000000000,"endTimeUnixNano":"1795168800250000000",)"
      R"("status":{"code":"STATUS_CODE_ERROR","message":"boom"}}]}]}]})"
      "\n";
  Read read = ReadText("legacy.jsonl", text);
  ASSERT_EQ(read.errors, std::vector<std::string>());
  ASSERT_EQ(read.traces.size(), 1u);
  EXPECT_EQ(Fields(read.traces[0]), json::parse(R"({"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
      "timestamp": "2026-11-20T10:00:00Z", "latency_ms": 250, "status": "error"})"));
  EXPECT_EQ(read.traces[0]["otel"]["spans"][0]["span_id"], "00f067aa0baa02b7");
}

TEST(OtlpSourceTest, MemoryIsBoundedByTheOpenTraceCap) {
  // 200,000 single-span traces whose roots never arrive: without a cap all would stay open.
  std::string text;
  constexpr int kTraces = 200000;
  text.reserve(kTraces * 120);
  for (int i = 0; i < kTraces; ++i) {
    text += R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":")" + TraceId(i) +
            R"(","spanId":"0000000000000002","parentSpanId":"0000000000000001"}]}]}]})"
            "\n";
  }
  std::string path = TempFile("many.jsonl", text);
  text = std::string();
  auto reader = LineReader::Open(path);
  ASSERT_TRUE(reader.ok());
  auto source = MakeOtlpSource(std::move(*reader), SourceOptions(),
                               OtlpAssemblyOptions{.max_open_traces = 500});
  TraceRecord record;
  uint64_t traces = 0, last_line = 0;
  size_t most_open = 0;
  while (source->Next(record)) {
    ASSERT_EQ(record.error, "");
    ASSERT_GT(record.line, last_line);  // evicted oldest first: input order
    last_line = record.line;
    ++traces;
    most_open = std::max(most_open, source->stats().open_traces);
  }
  EXPECT_EQ(traces, static_cast<uint64_t>(kTraces));
  EXPECT_LE(most_open, 500u);
  EXPECT_EQ(source->stats().max_open_traces, 500u);
  EXPECT_EQ(source->stats().evicted_traces, static_cast<uint64_t>(kTraces - 500));

  // Traces with roots complete within the window: far fewer open than the default cap.
  std::string rooted;
  for (int i = 0; i < 20000; ++i) rooted += Line(Span(TraceId(i), "0000000000000001", ""));
  Read read = ReadText("rooted.jsonl", rooted);
  EXPECT_EQ(read.traces.size(), 20000u);
  EXPECT_EQ(read.stats.max_open_traces, 65u);  // the window (64) plus the current document
  EXPECT_EQ(read.stats.evicted_traces, 0u);
}

TEST(OtlpSourceTest, GzipInput) {
  std::string text = ReadFile(FixturePath("openinference.json"));
  std::string path = ::testing::TempDir() + "otlp_source_test_openinference.json.gz";
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  gzclose(gz);
  EXPECT_EQ(ReadPath(path).traces, ReadPath(FixturePath("openinference.json")).traces);
}

TEST(OtlpSourceTest, FormatIsDetectedFromTheFirstLine) {
  auto first_trace_id = [](const std::string& path) {
    auto source = OpenTraceSource(path, SourceOptions());
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    TraceRecord record;
    if (!source.ok() || !(*source)->Next(record)) return std::string("(none)");
    if (!record.error.empty()) return "error: " + record.error;
    return json::parse(record.json)["trace_id"].get<std::string>();
  };
  EXPECT_EQ(first_trace_id(FixturePath("openinference.json")), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(first_trace_id(FixturePath("genai_attributes.json")),
            "5b8efff798038103d269b633813fc60c");
  // A JSONL trace that mentions resourceSpans in its text stays JSONL.
  EXPECT_EQ(first_trace_id(TempFile("mention.jsonl",
                                    R"({"trace_id": "t-1", "input": "what is \"resourceSpans\"?"})"
                                    "\n")),
            "t-1");
}

}  // namespace
}  // namespace arbiter
