// Our JSONL traces -> OTLP (otlp_from_trace.h, what arbiter-to-otlp writes) -> the OTLP source:
// the trace fields come back equal, with the conventions carrying what they can.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runner/source/otlp/from_trace.h"
#include "runner/source/otlp_source.h"

namespace arbiter {
namespace {

using nlohmann::json;

std::vector<OrderedJson> Fixture() {
  const char* root = std::getenv("ARBITER_SOURCE_DIR");
  std::ifstream in(std::string(root ? root : ".") + "/tests/fixtures/otlp/roundtrip.jsonl");
  std::vector<OrderedJson> traces;
  std::string line;
  while (std::getline(in, line)) traces.push_back(OrderedJson::parse(line));
  EXPECT_EQ(traces.size(), 5u);
  return traces;
}

struct Converted {
  std::vector<std::string> lines;
  std::vector<SpansFromTraceResult> results;
};

Converted Convert(const std::vector<OrderedJson>& traces, bool spread) {
  Converted out;
  std::vector<std::vector<OtlpSpan>> group;
  auto flush = [&] {
    for (std::string& line : OtlpLinesForGroup(group, spread)) out.lines.push_back(std::move(line));
    group.clear();
  };
  for (size_t i = 0; i < traces.size(); ++i) {
    out.results.push_back(SpansFromTrace(traces[i], i));
    group.push_back(out.results.back().spans);
    if (!spread || group.size() == 4) flush();
  }
  flush();
  return out;
}

std::vector<json> ReadBack(const std::vector<std::string>& lines, const std::string& name) {
  std::string path = ::testing::TempDir() + "otlp_roundtrip_test_" + name;
  {
    std::ofstream file(path, std::ios::binary);
    for (const std::string& line : lines) file << line << '\n';
  }
  auto reader = LineReader::Open(path);
  EXPECT_TRUE(reader.ok());
  auto source = MakeOtlpSource(std::move(*reader), SourceOptions());
  std::vector<json> traces;
  TraceRecord record;
  while (source->Next(record)) {
    EXPECT_EQ(record.error, "");
    if (record.error.empty()) traces.push_back(json::parse(record.json));
  }
  return traces;
}

json Plain(const OrderedJson& value) { return json::parse(value.dump()); }

void ExpectSameFields(const std::vector<OrderedJson>& originals, const std::vector<json>& back) {
  ASSERT_EQ(back.size(), originals.size());
  // Fields the reader always derives (times, status, span summary) or takes from messages.
  const std::set<std::string> derived = {"otel",  "timestamp", "latency_ms", "status",
                                         "input", "output",    "tool_calls", "span_errors"};
  for (size_t i = 0; i < originals.size(); ++i) {
    json original = Plain(originals[i]);
    SCOPED_TRACE(original["trace_id"].dump());
    for (auto it = original.begin(); it != original.end(); ++it) {
      ASSERT_TRUE(back[i].contains(it.key())) << it.key();
      EXPECT_EQ(back[i][it.key()], it.value()) << it.key();
    }
    for (auto it = back[i].begin(); it != back[i].end(); ++it) {
      if (!original.contains(it.key())) {
        EXPECT_TRUE(derived.count(it.key())) << it.key();
      }
    }
  }
}

std::vector<std::string> Keys(const OtlpSpan& span) {
  std::vector<std::string> keys;
  for (const OtlpAttribute& attribute : span.attributes) keys.push_back(attribute.key);
  return keys;
}

TEST(OtlpRoundTripTest, FieldsComeBackEqual) {
  std::vector<OrderedJson> traces = Fixture();
  Converted converted = Convert(traces, false);
  EXPECT_EQ(converted.lines.size(), traces.size());
  ExpectSameFields(traces, ReadBack(converted.lines, "plain.jsonl"));
  // The derived fields of the minimal trace: the empty ones stay absent.
  std::vector<json> back = ReadBack(converted.lines, "plain2.jsonl");
  EXPECT_FALSE(back[1].contains("messages"));
  EXPECT_FALSE(back[1].contains("usage"));
}

TEST(OtlpRoundTripTest, ConventionsCarryWhatTheyCan) {
  std::vector<OrderedJson> traces = Fixture();
  Converted converted = Convert(traces, false);
  // The full trace needs no arbiter.* fallback: OpenInference carries it, arbiter.* only the
  // fields without a convention.
  const SpansFromTraceResult& full = converted.results[0];
  EXPECT_EQ(full.carried, std::vector<std::string>());
  ASSERT_EQ(full.spans.size(), 5u);               // agent, retrieve, llm, two tools
  EXPECT_EQ(full.spans[0].trace_id.size(), 32u);  // derived from "t-000001"
  EXPECT_EQ(Keys(full.spans[0]),
            (std::vector<std::string>{"arbiter.trace_id", "openinference.span.kind", "input.value",
                                      "output.value", "session.id", "user.id", "metadata",
                                      "arbiter.feedback.thumbs", "arbiter.feedback.comment",
                                      "arbiter.usage.context_window"}));
  EXPECT_EQ(
      Keys(full.spans[2]),
      (std::vector<std::string>{
          "openinference.span.kind", "llm.input_messages.0.message.role",
          "llm.input_messages.0.message.content", "llm.input_messages.1.message.role",
          "llm.input_messages.1.message.content", "llm.output_messages.0.message.role",
          "llm.output_messages.0.message.content", "llm.model_name", "llm.prompt_template.version",
          "llm.token_count.prompt", "llm.token_count.completion"}));
  EXPECT_EQ(full.spans[4].status, OtlpStatusCode::kError);
  EXPECT_EQ(full.spans[4].status_message, "SMTP timeout");
  // A hex trace id is the traceId itself.
  EXPECT_EQ(converted.results[1].spans[0].trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(converted.results[1].carried, std::vector<std::string>());
  // What OpenInference cannot say is carried whole: a timestamp with an offset, tool calls
  // without an error field (the reader writes "error": null), structured input and output,
  // a status other than ok / error.
  EXPECT_EQ(converted.results[2].carried, (std::vector<std::string>{"timestamp", "tool_calls"}));
  EXPECT_EQ(converted.results[3].carried, std::vector<std::string>());
  EXPECT_EQ(converted.results[4].carried, (std::vector<std::string>{"input", "output", "status"}));
  for (const SpansFromTraceResult& result : converted.results) {
    EXPECT_EQ(result.lost, std::vector<std::string>());
  }
}

std::string converted_trace_id(const Converted& converted, size_t index) {
  return converted.results[index].spans[0].trace_id;
}

TEST(OtlpRoundTripTest, SpreadInterleavesTracesOverLinesAndReadsTheSame) {
  std::vector<OrderedJson> traces = Fixture();
  Converted spread = Convert(traces, true);
  // Group one (4 traces, at most 5 spans) takes 5 lines, group two (1 trace, 2 spans) 2.
  EXPECT_EQ(spread.lines.size(), 7u);
  // Each line carries one span of each trace that has one left, children first: the first
  // trace's five spans are on lines 1 to 5, its root on line 5.
  const std::string first_trace = converted_trace_id(spread, 0);
  for (size_t line = 0; line < 5; ++line) {
    json batch = json::parse(spread.lines[line]);
    int spans_of_first = 0;
    for (const json& span : batch["resourceSpans"][0]["scopeSpans"][0]["spans"]) {
      if (span["traceId"] != first_trace) continue;
      ++spans_of_first;
      EXPECT_EQ(span.contains("parentSpanId"), line < 4) << line;
    }
    EXPECT_EQ(spans_of_first, 1) << line;
  }
  ExpectSameFields(traces, ReadBack(spread.lines, "spread.jsonl"));
  // Deterministic.
  EXPECT_EQ(Convert(traces, true).lines, spread.lines);
}

}  // namespace
}  // namespace arbiter
