// OTLP/protobuf reads like OTLP/JSON: the same fixtures, as JSON and re-encoded as protobuf,
// give the same spans and the same traces, and a protobuf file is read by OpenTraceSource.
#include "runner/source/otlp/proto.h"

#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "runner/source/otlp/document.h"
#include "runner/source/otlp/mapping.h"
#include "runner/source/trace_source.h"

namespace arbiter {
namespace {

std::string Dump(const OtlpAttributes& attributes) {
  OrderedJson out = OrderedJson::array();
  for (const OtlpAttribute& attribute : attributes) out.push_back({attribute.key, attribute.value});
  return out.dump();
}

std::string FixtureText(const std::string& name) {
  const char* root = std::getenv("ARBITER_SOURCE_DIR");
  std::ifstream in(std::string(root ? root : ".") + "/tests/fixtures/otlp/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<OtlpSpan> JsonSpans(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(text);
  std::vector<OtlpSpan> spans;
  std::vector<std::string> problems;
  ReadOtlpDocument(root, spans, problems);
  EXPECT_EQ(problems, std::vector<std::string>());
  return spans;
}

std::string ProtoBytes(const std::vector<OtlpSpan>& spans) {
  OtlpExportRequest request;
  WriteOtlpProto(spans, request);
  return request.SerializeAsString();
}

// The traces of `spans` mapped, in first-seen trace order.
std::vector<std::string> Mapped(std::vector<OtlpSpan> spans) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<OtlpSpan>> by_trace;
  for (OtlpSpan& span : spans) {
    if (!by_trace.count(span.trace_id)) order.push_back(span.trace_id);
    by_trace[span.trace_id].push_back(std::move(span));
  }
  std::vector<std::string> out;
  for (const std::string& id : order) out.push_back(MapOtlpTraceJson(by_trace[id]));
  return out;
}

class ProtoFixtureTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ProtoFixtureTest, ProtobufMapsLikeJson) {
  std::vector<OtlpSpan> from_json = JsonSpans(FixtureText(GetParam()));
  ASSERT_FALSE(from_json.empty());
  std::vector<OtlpSpan> from_proto;
  std::vector<std::string> problems;
  ASSERT_TRUE(ReadOtlpProtoBytes(ProtoBytes(from_json), from_proto, problems));
  EXPECT_EQ(problems, std::vector<std::string>());
  ASSERT_EQ(from_proto.size(), from_json.size());
  for (size_t i = 0; i < from_json.size(); ++i) {
    EXPECT_EQ(from_proto[i].trace_id, from_json[i].trace_id);
    EXPECT_EQ(from_proto[i].parent_span_id, from_json[i].parent_span_id);
    EXPECT_EQ(from_proto[i].attributes.size(), from_json[i].attributes.size());
    EXPECT_EQ(Dump(*from_proto[i].resource), Dump(*from_json[i].resource)) << i;
    EXPECT_EQ(Dump(from_proto[i].attributes), Dump(from_json[i].attributes)) << i;
  }
  EXPECT_EQ(Mapped(from_proto), Mapped(from_json));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ProtoFixtureTest,
                         ::testing::Values("genai_attributes.json", "genai_events.json",
                                           "openinference.json", "openinference_int_strings.json",
                                           "openllmetry.json"));

TEST(OtlpProtoTest, AnyValuesDecodeToJson) {
  namespace common = opentelemetry::proto::common::v1;
  OtlpExportRequest request;
  auto* span = request.add_resource_spans()->add_scope_spans()->add_spans();
  span->set_trace_id(std::string(16, '\x01'));
  span->set_span_id(std::string(8, '\x02'));
  span->set_parent_span_id(std::string(8, '\0'));  // all zeros: no parent
  auto add = [&](const std::string& key) -> common::AnyValue* {
    common::KeyValue* entry = span->add_attributes();
    entry->set_key(key);
    return entry->mutable_value();
  };
  add("s")->set_string_value("text");
  add("b")->set_bool_value(true);
  add("i")->set_int_value(-7);
  add("d")->set_double_value(1.5);
  add("nan")->set_double_value(std::numeric_limits<double>::quiet_NaN());
  add("bytes")->set_bytes_value("hi!");
  auto* list = add("a")->mutable_array_value();
  list->add_values()->set_int_value(1);
  list->add_values()->set_string_value("x");
  auto* kv = add("m")->mutable_kvlist_value()->add_values();
  kv->set_key("k");
  kv->mutable_value()->set_bool_value(false);
  add("empty");
  std::vector<OtlpSpan> spans;
  std::vector<std::string> problems;
  ASSERT_TRUE(ReadOtlpProtoBytes(request.SerializeAsString(), spans, problems));
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].trace_id, "01010101010101010101010101010101");
  EXPECT_EQ(spans[0].span_id, "0202020202020202");
  EXPECT_EQ(spans[0].parent_span_id, "");
  OrderedJson values = OrderedJson::object();
  for (const OtlpAttribute& attribute : spans[0].attributes)
    values[attribute.key] = attribute.value;
  EXPECT_EQ(values.dump(),
            R"({"s":"text","b":true,"i":-7,"d":1.5,"nan":null,"bytes":"aGkh","a":[1,"x"],)"
            R"("m":{"k":false},"empty":null})");
}

TEST(OtlpProtoTest, BadIdsAreSkippedWithTheirPlace) {
  OtlpExportRequest request;
  auto* scope = request.add_resource_spans()->add_scope_spans();
  auto* bad = scope->add_spans();
  bad->set_name("short");
  bad->set_trace_id("abc");
  bad->set_span_id(std::string(8, '\x02'));
  auto* zero = scope->add_spans();
  zero->set_trace_id(std::string(16, '\x01'));
  zero->set_span_id(std::string(8, '\0'));
  auto* good = scope->add_spans();
  good->set_trace_id(std::string(16, '\x01'));
  good->set_span_id(std::string(8, '\x03'));
  std::vector<OtlpSpan> spans;
  std::vector<std::string> problems;
  ReadOtlpProto(request, spans, problems);
  EXPECT_EQ(spans.size(), 1u);
  EXPECT_EQ(problems,
            (std::vector<std::string>{
                "resourceSpans[0].scopeSpans[0].spans[0] (\"short\"): traceId is 3 bytes, not 16",
                "resourceSpans[0].scopeSpans[0].spans[1]: spanId is all zeros"}));
}

TEST(OtlpProtoTest, KeepingSpansByTraceIdReadsBackAsTheKeptSpans) {
  // Two services (two resources), spans of two traces in each.
  std::vector<OtlpSpan> spans = JsonSpans(FixtureText("split_1.json"));
  std::vector<OtlpSpan> other = JsonSpans(FixtureText("openinference.json"));
  spans.insert(spans.end(), other.begin(), other.end());
  ASSERT_GE(spans.size(), 3u);
  const std::string keep_id = spans.front().trace_id;
  std::vector<OtlpSpan> expected;
  for (const OtlpSpan& span : spans) {
    if (span.trace_id == keep_id) expected.push_back(span);
  }
  ASSERT_LT(expected.size(), spans.size());
  OtlpExportRequest request;
  WriteOtlpProto(spans, request);
  int resources = request.resource_spans_size();
  size_t kept = KeepOtlpSpans(
      request, [&](const std::string& trace_id) { return OtlpHexId(trace_id) == keep_id; });
  EXPECT_EQ(kept, expected.size());
  EXPECT_LT(request.resource_spans_size(), resources);  // the other trace's resource is gone
  std::vector<OtlpSpan> back;
  std::vector<std::string> problems;
  ASSERT_TRUE(ReadOtlpProtoBytes(request.SerializeAsString(), back, problems));
  EXPECT_EQ(Mapped(back), Mapped(expected));
  EXPECT_EQ(KeepOtlpSpans(request, [](const std::string&) { return false; }), 0u);
  EXPECT_EQ(request.resource_spans_size(), 0);
}

TEST(OtlpProtoTest, GarbageIsNotARequest) {
  std::vector<OtlpSpan> spans;
  std::vector<std::string> problems;
  EXPECT_FALSE(ReadOtlpProtoBytes("\x0a\xff\xff\xff\x0f garbage", spans, problems));
  EXPECT_TRUE(spans.empty());
}

// A request whose one attribute key is the byte 0xff: not UTF-8, which proto3 string fields must
// be (resourceSpans[0].resource.attributes[0].key).
const std::string kInvalidUtf8Key("\x0a\x07\x0a\x05\x0a\x03\x0a\x01\xff", 9);

TEST(OtlpProtoTest, AnInvalidUtf8StringIsAProblemOfTheParseNotALineOnStderr) {
  OtlpExportRequest request;
  ::testing::internal::CaptureStderr();
  bool parsed = ParseOtlpRequest(kInvalidUtf8Key, request);
  std::string stderr_text = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(parsed);
  EXPECT_EQ(stderr_text, "");  // protobuf's own log line, once per bad request, is kept off it
  EXPECT_NE(LastOtlpParseProblem().find("KeyValue.key' contains invalid UTF-8"), std::string::npos)
      << LastOtlpParseProblem();
  // The next parse starts without it.
  EXPECT_TRUE(ParseOtlpRequest("", request));
  EXPECT_EQ(LastOtlpParseProblem(), "");
}

std::vector<std::string> ReadFile(const std::string& path, TraceFormat format,
                                  const OtlpMappingOptions& otlp = {}) {
  SourceOptions options;
  options.format = format;
  options.otlp = otlp;
  auto source = OpenTraceSource(path, options);
  EXPECT_TRUE(source.ok()) << source.status().message();
  std::vector<std::string> out;
  TraceRecord record;
  while ((*source)->Next(record)) {
    EXPECT_EQ(record.error, "");
    out.emplace_back(record.json);
  }
  return out;
}

TEST(OtlpProtoTest, FilesAreReadBareFramedOrByName) {
  // Two requests, the spans of split_1 and split_2 (one trace spread over both).
  std::string first = ProtoBytes(JsonSpans(FixtureText("split_1.json")));
  std::string second = ProtoBytes(JsonSpans(FixtureText("split_2.json")));
  std::string json_path = ::testing::TempDir() + "proto_test_split.json";
  {
    std::ofstream out(json_path, std::ios::binary);
    out << FixtureText("split_1.json") << "\n" << FixtureText("split_2.json") << "\n";
  }
  std::vector<std::string> expected = ReadFile(json_path, TraceFormat::kAuto);
  ASSERT_FALSE(expected.empty());

  auto prefix = [](const std::string& message) {
    uint32_t n = static_cast<uint32_t>(message.size());
    return std::string{char(n >> 24), char(n >> 16), char(n >> 8), char(n)} + message;
  };
  std::string framed_path = ::testing::TempDir() + "proto_test_framed.bin";
  {
    std::ofstream out(framed_path, std::ios::binary);
    out << prefix(first) << prefix(second);
  }
  EXPECT_EQ(ReadFile(framed_path, TraceFormat::kAuto), expected);  // detected
  EXPECT_EQ(ReadFile(framed_path, TraceFormat::kOtlp), expected);

  // One bare request holding every span, named .pb.
  std::vector<OtlpSpan> all = JsonSpans(FixtureText("split_1.json"));
  for (OtlpSpan& span : JsonSpans(FixtureText("split_2.json"))) all.push_back(std::move(span));
  std::string bare_path = ::testing::TempDir() + "proto_test_bare.pb";
  {
    std::ofstream out(bare_path, std::ios::binary);
    out << ProtoBytes(all);
  }
  EXPECT_EQ(ReadFile(bare_path, TraceFormat::kAuto), expected);

  // A suite's or policy's `otlp:` options apply to protobuf files as to OTLP/JSON ones.
  OtlpMappingOptions mapped;
  mapped.attribute_map = {{"llm.model_name", "metadata.model_family"}};
  std::vector<std::string> expected_mapped = ReadFile(json_path, TraceFormat::kAuto, mapped);
  ASSERT_NE(expected_mapped, expected);
  EXPECT_NE(expected_mapped.front().find("\"model_family\""), std::string::npos);
  EXPECT_EQ(ReadFile(bare_path, TraceFormat::kAuto, mapped), expected_mapped);
}

TEST(OtlpProtoTest, AFileThatIsNotProtobufIsOneErrorRecord) {
  std::string path = ::testing::TempDir() + "proto_test_bad.pb";
  {
    std::ofstream out(path, std::ios::binary);
    out << "\x0a\xff\xff\xff\x0f not a message";
  }
  auto source = OpenTraceSource(path, SourceOptions());
  ASSERT_TRUE(source.ok());
  TraceRecord record;
  ASSERT_TRUE((*source)->Next(record));
  EXPECT_EQ(record.line, 1u);
  EXPECT_NE(record.error.find("not an OTLP/protobuf trace request"), std::string::npos);
  EXPECT_FALSE((*source)->Next(record));
}

TEST(OtlpProtoTest, AFileMessageWithInvalidUtf8SaysSo) {
  std::string path = ::testing::TempDir() + "proto_test_utf8.pb";
  {
    std::ofstream out(path, std::ios::binary);
    out << kInvalidUtf8Key;
  }
  auto source = OpenTraceSource(path, SourceOptions());
  ASSERT_TRUE(source.ok());
  TraceRecord record;
  ASSERT_TRUE((*source)->Next(record));
  EXPECT_NE(record.error.find("not an OTLP/protobuf trace request (message 1, 9 bytes): String "
                              "field 'opentelemetry.proto.common.v1.KeyValue.key' contains "
                              "invalid UTF-8"),
            std::string::npos)
      << record.error;
}

}  // namespace
}  // namespace arbiter
