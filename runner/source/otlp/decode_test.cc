// The building blocks of the OTLP reader: AnyValue decoding, ids, times, message forms.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "runner/source/otlp/any_value.h"
#include "runner/source/otlp/json_text.h"
#include "runner/source/otlp/mapping.h"
#include "runner/source/otlp/messages.h"
#include "runner/source/otlp/time.h"
#include "runner/source/otlp/writer.h"

namespace arbiter {
namespace {

// Decodes one AnyValue given as JSON text; "" when it decodes, else the problem.
std::string Decode(const std::string& json, OrderedJson& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element element = parser.parse(json);
  std::string problem;
  if (!DecodeAnyValue(element, out, problem)) return problem;
  return "";
}

OrderedJson Decoded(const std::string& json) {
  OrderedJson out;
  EXPECT_EQ(Decode(json, out), "") << json;
  return out;
}

TEST(OtlpAnyValueTest, ScalarsInBothIntEncodings) {
  EXPECT_EQ(Decoded(R"({"stringValue": "héllo"})"), "héllo");
  EXPECT_EQ(Decoded(R"({"boolValue": true})"), true);
  EXPECT_EQ(Decoded(R"({"intValue": 42})"), 42);
  EXPECT_EQ(Decoded(R"({"intValue": "42"})"), 42);
  EXPECT_EQ(Decoded(R"({"intValue": "-9223372036854775808"})"), INT64_MIN);
  EXPECT_TRUE(Decoded(R"({"intValue": "7"})").is_number_integer());
  EXPECT_EQ(Decoded(R"({"doubleValue": 0.5})"), 0.5);
  EXPECT_EQ(Decoded(R"({"doubleValue": 3})"), 3.0);
  EXPECT_TRUE(Decoded(R"({"doubleValue": 3})").is_number_float());
  EXPECT_EQ(Decoded(R"({"doubleValue": "2.25"})"), 2.25);
  EXPECT_TRUE(Decoded(R"({"doubleValue": "NaN"})").is_null());
  EXPECT_EQ(Decoded(R"({"bytesValue": "aGk="})"), "aGk=");
  EXPECT_TRUE(Decoded("{}").is_null());
}

TEST(OtlpAnyValueTest, ArraysAndKvlistsNest) {
  OrderedJson value = Decoded(R"({"kvlistValue": {"values": [
      {"key": "b", "value": {"intValue": "1"}},
      {"key": "a", "value": {"arrayValue": {"values": [{"stringValue": "x"}, {}]}}},
      {"key": "empty", "value": {"arrayValue": {}}}]}})");
  EXPECT_EQ(value.dump(), R"({"b":1,"a":["x",null],"empty":[]})");  // key order kept
  EXPECT_EQ(Decoded(R"({"kvlistValue": {}})"), OrderedJson::object());
}

TEST(OtlpAnyValueTest, WrongTypesNameTheProblem) {
  OrderedJson out;
  EXPECT_EQ(Decode(R"({"intValue": "12x"})", out), "intValue \"12x\" is not an int64");
  EXPECT_EQ(Decode(R"({"intValue": 1.5})", out), "intValue is not an integer or a string");
  EXPECT_EQ(Decode(R"({"intValue": 18446744073709551615})", out),
            "intValue 18446744073709551615 is out of the int64 range");
  EXPECT_EQ(Decode(R"({"doubleValue": "fast"})", out), "doubleValue \"fast\" is not a number");
  EXPECT_EQ(Decode(R"({"stringValue": 3})", out), "stringValue is not a string");
  EXPECT_EQ(Decode(R"({"boolValue": "yes"})", out), "boolValue is not a boolean");
  EXPECT_EQ(Decode(R"({"arrayValue": {"values": 3}})", out), "arrayValue.values is not an array");
  EXPECT_EQ(Decode(R"({"color": "red"})", out), "unknown AnyValue field \"color\"");
  EXPECT_EQ(Decode(R"("plain")", out), "value is not an AnyValue object");
}

TEST(OtlpAnyValueTest, KeyValuesKeepTheGoodAndReportTheBad) {
  simdjson::dom::parser parser;
  simdjson::dom::element list = parser.parse(std::string(R"([
      {"key": "ok", "value": {"stringValue": "v"}},
      {"key": "bad", "value": {"intValue": "x"}},
      {"value": {"stringValue": "no key"}},
      {"key": "missing"}])"));
  OtlpAttributes attributes;
  std::vector<std::string> problems;
  DecodeKeyValues(list, "attributes", attributes, problems);
  ASSERT_EQ(attributes.size(), 2u);
  EXPECT_EQ(attributes[0].key, "ok");
  EXPECT_EQ(attributes[1].key, "missing");
  EXPECT_TRUE(attributes[1].value.is_null());
  EXPECT_EQ(problems,
            (std::vector<std::string>{"attributes \"bad\": intValue \"x\" is not an int64",
                                      "an entry of \"attributes\" has no string \"key\""}));
}

TEST(OtlpIdTest, HexAndBase64) {
  std::string hex;
  EXPECT_TRUE(ParseOtlpId("4BF92F3577B34DA6A3CE929D0E0E4736", 16, hex));
  EXPECT_EQ(hex, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_TRUE(ParseOtlpId("S/kvNXezTaajzpKdDg5HNg==", 16, hex));  // protobuf's JSON default
  EXPECT_EQ(hex, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_TRUE(ParseOtlpId("S_kvNXezTaajzpKdDg5HNg", 16, hex));  // URL-safe, unpadded
  EXPECT_EQ(hex, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_TRUE(ParseOtlpId("APBnqguqArc=", 8, hex));
  EXPECT_EQ(hex, "00f067aa0baa02b7");
  EXPECT_FALSE(ParseOtlpId("xyz", 16, hex));
  EXPECT_FALSE(ParseOtlpId("4bf92f3577b34da6a3ce929d0e0e473g", 16, hex));
  EXPECT_FALSE(ParseOtlpId("00f067aa0ba902b7", 16, hex));  // a span id where a trace id belongs
  EXPECT_TRUE(IsZeroId("0000000000000000"));
  EXPECT_FALSE(IsZeroId("0000000000000001"));
}

TEST(OtlpTimeTest, FormatsUtcWithTheDigitsThatMatter) {
  constexpr uint64_t kBase = 1795168800ULL * 1'000'000'000ULL;
  EXPECT_EQ(FormatRfc3339(kBase), "2026-11-20T10:00:00Z");
  EXPECT_EQ(FormatRfc3339(kBase + 250'000'000), "2026-11-20T10:00:00.250Z");
  EXPECT_EQ(FormatRfc3339(kBase + 1'500), "2026-11-20T10:00:00.000001500Z");
  EXPECT_EQ(FormatRfc3339(kBase + 2'000), "2026-11-20T10:00:00.000002Z");
  EXPECT_EQ(FormatRfc3339(951782400ULL * 1'000'000'000ULL), "2000-02-29T00:00:00Z");
}

TEST(OtlpTimeTest, ParsesOffsetsAndRejectsNonsense) {
  uint64_t nanos = 0;
  ASSERT_TRUE(ParseRfc3339("2026-11-20T10:00:00Z", nanos));
  EXPECT_EQ(nanos, 1795168800ULL * 1'000'000'000ULL);
  ASSERT_TRUE(ParseRfc3339("2026-11-20T12:00:00.5+02:00", nanos));
  EXPECT_EQ(nanos, 1795168800ULL * 1'000'000'000ULL + 500'000'000);
  ASSERT_TRUE(ParseRfc3339("2026-11-20 05:00:00-05:00", nanos));
  EXPECT_EQ(nanos, 1795168800ULL * 1'000'000'000ULL);
  EXPECT_FALSE(ParseRfc3339("2026-11-20T10:00:00", nanos));  // no zone
  EXPECT_FALSE(ParseRfc3339("2026-13-20T10:00:00Z", nanos));
  EXPECT_FALSE(ParseRfc3339("2026-11-20T10:00:00.Z", nanos));
  EXPECT_FALSE(ParseRfc3339("1969-12-31T23:59:59Z", nanos));
  EXPECT_FALSE(ParseRfc3339("yesterday", nanos));
}

TEST(OtlpMessagesTest, GenAiPartsWithToolCallsAndResponses) {
  std::vector<OrderedJson> messages;
  ASSERT_TRUE(AppendGenAiMessages(OrderedJson(R"([
      {"role": "user", "parts": [{"type": "text", "content": "Weather?"},
                                 {"type": "text", "content": "In Paris."}]},
      {"role": "assistant", "parts": [{"type": "tool_call", "id": "c1", "name": "get_weather",
                                       "arguments": {"location": "Paris"}}]},
      {"role": "tool", "parts": [{"type": "tool_call_response", "id": "c1",
                                  "response": "rainy"}]}])"),
                                  false, messages));
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].dump(), R"({"role":"user","content":"Weather?\nIn Paris."})");
  EXPECT_EQ(
      messages[1].dump(),
      R"({"role":"assistant","tool_calls":[{"id":"c1","name":"get_weather","arguments":{"location":"Paris"}}]})");
  EXPECT_EQ(messages[2].dump(), R"({"role":"tool","content":"rainy","tool_call_id":"c1"})");

  std::vector<OrderedJson> system;
  ASSERT_TRUE(AppendGenAiMessages(OrderedJson("You are terse."), true, system));
  EXPECT_EQ(system[0].dump(), R"({"role":"system","content":"You are terse."})");
  EXPECT_FALSE(AppendGenAiMessages(OrderedJson("not json"), false, messages));
  EXPECT_EQ(messages.size(), 3u);
}

TEST(OtlpMessagesTest, FlatAttributesInIndexOrder) {
  FlatMessages flat;
  EXPECT_TRUE(flat.Add("10.message.role", "assistant"));
  EXPECT_TRUE(flat.Add("2.message.role", "user"));
  EXPECT_TRUE(flat.Add("2.message.contents.1.message_content.text", "world"));
  EXPECT_TRUE(flat.Add("2.message.contents.0.message_content.text", "hello"));
  EXPECT_TRUE(flat.Add("2.message.contents.0.message_content.type", "text"));
  EXPECT_TRUE(flat.Add("10.message.tool_calls.0.tool_call.function.name", "search"));
  EXPECT_TRUE(flat.Add("10.message.tool_calls.0.tool_call.function.arguments", R"({"q":"x"})"));
  EXPECT_FALSE(flat.Add("2.message.contents.2.message_content.image.url", "http://x"));
  EXPECT_FALSE(flat.Add("x.message.role", "user"));
  std::vector<OrderedJson> messages = flat.Build();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].dump(), R"({"role":"user","content":"hello\nworld"})");
  EXPECT_EQ(messages[1].dump(),
            R"({"role":"assistant","tool_calls":[{"name":"search","arguments":{"q":"x"}}]})");
}

TEST(OtlpMappingTest, ToolResultsAreMatchedInOnePass) {
  // Each requested call was once matched against every message (quadratic); its time at growing
  // sizes is bench/linear_bench.cc (BM_OtlpToolResults). Here: every result finds its call.
  constexpr int kCalls = 3000;
  OrderedJson messages = OrderedJson::array();
  OrderedJson parts = OrderedJson::array();
  for (int i = 0; i < kCalls; ++i) {
    parts.push_back({{"type", "tool_call"}, {"id", "c" + std::to_string(i)}, {"name", "f"}});
  }
  messages.push_back({{"role", "assistant"}, {"parts", parts}});
  for (int i = kCalls - 1; i >= 0; --i) {
    messages.push_back({{"role", "tool"},
                        {"parts", OrderedJson::array({{{"type", "tool_call_response"},
                                                       {"id", "c" + std::to_string(i)},
                                                       {"response", "r" + std::to_string(i)}}})}});
  }
  OtlpSpan span;
  span.trace_id = std::string(32, 'a');
  span.span_id = std::string(16, 'b');
  span.name = "chat";
  span.attributes = {{"gen_ai.operation.name", "chat"}, {"gen_ai.input.messages", messages.dump()}};
  std::vector<OtlpSpan> spans = {span};
  OrderedJson trace = MapOtlpTrace(spans);
  ASSERT_EQ(trace["tool_calls"].size(), static_cast<size_t>(kCalls));
  EXPECT_EQ(trace["tool_calls"][0]["result"], "r0");
  EXPECT_EQ(trace["tool_calls"][kCalls - 1]["id"], "c2999");
  EXPECT_EQ(trace["tool_calls"][kCalls - 1]["result"], "r2999");
}

TEST(OtlpWriterTest, AnyValueRoundTrips) {
  OrderedJson value = OrderedJson::parse(
      R"({"s":"x","i":-3,"big":9007199254740993,"d":0.1,"b":false,"n":null,"a":[1,"two",[3]],"o":{}})");
  std::string text;
  AppendAnyValue(text, value);
  EXPECT_EQ(Decoded(text), value);
}

TEST(OtlpJsonTextTest, EscapesLikeJsonAndReplacesInvalidUtf8) {
  auto text = [](const OrderedJson& value) {
    std::string out;
    AppendJson(out, value);
    return out;
  };
  // Escapes before, inside and after 8-byte blocks.
  EXPECT_EQ(text("a\"b\\c\nd\te\x01 long text past eight bytes\x1f\"end"),
            R"("a\"b\\c\nd\te\u0001 long text past eight bytes\u001f\"end")");
  EXPECT_EQ(text("naïve café — 日本 🙂 plain ascii tail"),
            "\"naïve café — 日本 🙂 plain ascii tail\"");
  EXPECT_EQ(text(std::string("bad \xff byte in a long enough string")),
            "\"bad \xEF\xBF\xBD byte in a long enough string\"");
  EXPECT_EQ(text(OrderedJson::parse(
                R"({"b":[1,-2,2.5,1e300,true,null],"a":{"x":""},"u":18446744073709551615})")),
            R"({"b":[1,-2,2.5,1e+300,true,null],"a":{"x":""},"u":18446744073709551615})");
  EXPECT_EQ(text(OrderedJson(3.0)), "3.0");
}

}  // namespace
}  // namespace arbiter
