// The trace-level rules of the OTLP mapper (mapping.h) on spans built in memory: metadata from
// flat `metadata.*` attributes, the root's status and the children's span_errors, the output the
// user received, documents from query-result events, and a suite's attribute_map.
#include "runner/source/otlp/mapping.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

constexpr char kTrace[] = "4bf92f3577b34da6a3ce929d0e0e4736";

OtlpSpan MakeSpan(std::string id, std::string parent, uint64_t start_ms,
                  OtlpAttributes attributes = {}) {
  OtlpSpan span;
  span.trace_id = kTrace;
  span.span_id = std::move(id);
  span.parent_span_id = std::move(parent);
  span.name = "s";
  span.start_unix_nano = start_ms * 1'000'000;
  span.end_unix_nano = span.start_unix_nano + 5'000'000;
  span.attributes = std::move(attributes);
  return span;
}

OtlpSpan Failed(OtlpSpan span, std::string message) {
  span.status = OtlpStatusCode::kError;
  span.status_message = std::move(message);
  return span;
}

// An OpenInference LLM span that answered `text`.
OtlpSpan Llm(std::string id, uint64_t start_ms, std::string text) {
  return MakeSpan(std::move(id), "0000000000000001", start_ms,
                  {{"openinference.span.kind", "LLM"},
                   {"llm.output_messages.0.message.role", "assistant"},
                   {"llm.output_messages.0.message.content", std::move(text)}});
}

OrderedJson Map(std::vector<OtlpSpan> spans, const OtlpMappingOptions& options = {}) {
  return MapOtlpTrace(spans, options);
}

TEST(OtlpMappingTest, FlatMetadataAttributesBecomeMetadataKeys) {
  std::vector<OtlpSpan> spans;
  spans.push_back(MakeSpan("0000000000000001", "", 1,
                           {{"metadata.intent", "billing"},
                            {"metadata.language", "de"},
                            {"metadata", R"({"tier": "pro", "intent": "json"})"},
                            {"metadata.route.region", "eu"}}));
  // A later span wins per key, and a nested path sets only its leaf.
  spans.push_back(MakeSpan("0000000000000002", "0000000000000001", 2,
                           {{"metadata.intent", "refund"}, {"metadata.route.zone", "b"}}));
  // Malformed paths are no metadata keys: kept as attributes.
  spans.push_back(MakeSpan("0000000000000003", "0000000000000001", 3,
                           {{"metadata.", "x"}, {"metadata..a", "y"}, {"metadata.tags[0]", "z"}}));
  OrderedJson trace = Map(std::move(spans));
  EXPECT_EQ(trace["metadata"], OrderedJson::parse(R"({"tier": "pro", "intent": "refund",
      "language": "de", "route": {"region": "eu", "zone": "b"}})"));
  EXPECT_EQ(
      trace["otel"]["spans"][2]["attributes"],
      OrderedJson::parse(R"({"metadata.": "x", "metadata..a": "y", "metadata.tags[0]": "z"})"));
  EXPECT_FALSE(trace["otel"]["spans"][0].contains("attributes"));
}

TEST(OtlpMappingTest, TheRootsStatusDecidesAndChildErrorsAreKeptBeside) {
  // An UNSET root whose agent recovered from a rate limit, a timeout and two failed tools.
  std::vector<OtlpSpan> spans;
  spans.push_back(MakeSpan("0000000000000001", "", 1));
  spans.push_back(Failed(Llm("0000000000000002", 2, "partial"), "429 rate limited"));
  spans.push_back(Failed(MakeSpan("0000000000000003", "0000000000000001", 3,
                                  {{"openinference.span.kind", "TOOL"}, {"tool.name", "search"}}),
                         "timeout"));
  spans.push_back(Failed(MakeSpan("0000000000000004", "0000000000000001", 4), ""));
  spans.push_back(Failed(MakeSpan("0000000000000005", "0000000000000001", 5), "fourth"));
  spans.push_back(Llm("0000000000000006", 6, "The answer."));
  OrderedJson trace = Map(spans);
  EXPECT_EQ(trace["status"], "ok");
  EXPECT_EQ(trace["span_errors"], OrderedJson::parse(R"({"count": 4,
      "messages": ["429 rate limited", "timeout", "error"]})"));
  EXPECT_EQ(trace["tool_calls"][0]["error"], "timeout");
  EXPECT_EQ(trace["output"], "The answer.");

  // An ERROR root: the trace failed; its own failure is the status, not a span error.
  std::vector<OtlpSpan> failed = {Failed(MakeSpan("0000000000000001", "", 1), "crashed")};
  OrderedJson alone = Map(failed);
  EXPECT_EQ(alone["status"], "error");
  EXPECT_FALSE(alone.contains("span_errors"));

  // An OK root with no failed child: no span_errors.
  std::vector<OtlpSpan> fine = {MakeSpan("0000000000000001", "", 1),
                                Llm("0000000000000002", 2, "hi")};
  fine[0].status = OtlpStatusCode::kOk;
  OrderedJson ok = Map(fine);
  EXPECT_EQ(ok["status"], "ok");
  EXPECT_FALSE(ok.contains("span_errors"));
}

TEST(OtlpMappingTest, AFailedRootGaveNoOutputUnlessItHadOne) {
  // The LLM wrote text, then the root failed: the user received nothing.
  std::vector<OtlpSpan> spans = {Failed(MakeSpan("0000000000000001", "", 1), "boom"),
                                 Llm("0000000000000002", 2, "Half an answer")};
  OrderedJson trace = Map(spans);
  EXPECT_EQ(trace["status"], "error");
  EXPECT_FALSE(trace.contains("output"));
  EXPECT_EQ(trace["messages"].size(), 1u);  // the conversation is kept

  // A failed root with an output of its own (an apology, say) gave that.
  spans = {
      Failed(MakeSpan("0000000000000001", "", 1, {{"output.value", "Sorry, try again."}}), "boom"),
      Llm("0000000000000002", 2, "Half an answer")};
  EXPECT_EQ(Map(spans)["output"], "Sorry, try again.");
}

// One `db.query.result` event as OpenLLMetry's vector-store instrumentations add it.
OtlpEvent QueryResult(OtlpAttributes attributes) {
  return OtlpEvent{"db.query.result", 0, std::move(attributes)};
}

TEST(OtlpMappingTest, QueryResultEventsAreRetrievedDocuments) {
  // Chroma: id, distance, metadata as json.dumps text, document.
  OtlpSpan chroma = MakeSpan("0000000000000002", "0000000000000001", 2,
                             {{"db.system", "chroma"}, {"db.operation", "query"}});
  chroma.events = {QueryResult({{"db.query.result.id", "1"},
                                {"db.query.result.distance", 0.12},
                                {"db.query.result.metadata", R"({"source": "fileA"})"},
                                {"db.query.result.document", "doc one"}}),
                   QueryResult({{"db.query.result.id", "2"},
                                {"db.query.result.distance", 0.5},
                                {"db.query.result.document", "doc two"}})};
  // Pinecone: id, score, metadata as Python's str() (no JSON: kept as text), the vector.
  OtlpSpan pinecone =
      MakeSpan("0000000000000003", "0000000000000001", 3, {{"db.system", "pinecone"}});
  pinecone.events = {
      OtlpEvent{"db.query.embeddings", 0, {{"db.query.embeddings.vector", {0.1, 0.2}}}},
      QueryResult({{"db.query.result.id", "vec-1"},
                   {"db.query.result.score", 0.93},
                   {"db.query.result.metadata", "{'title': 'Intro'}"},
                   {"db.query.result.vector", {0.1, 0.2}}})};
  // A span with OpenInference documents reads those and not its events: one form per span.
  OtlpSpan both = MakeSpan("0000000000000004", "0000000000000001", 4,
                           {{"retrieval.documents.0.document.id", "oi"}});
  both.events = {QueryResult({{"db.query.result.id", "ignored"}})};
  std::vector<OtlpSpan> spans = {MakeSpan("0000000000000001", "", 1), chroma, pinecone, both};
  OrderedJson trace = Map(spans);
  EXPECT_EQ(trace["retrieved_documents"], OrderedJson::parse(R"([
      {"id": "1", "content": "doc one", "distance": 0.12, "metadata": {"source": "fileA"}},
      {"id": "2", "content": "doc two", "distance": 0.5},
      {"id": "vec-1", "score": 0.93, "metadata": "{'title': 'Intro'}"},
      {"id": "oi"}])"));
}

TEST(OtlpMappingTest, AttributeMapSetsTracePathsLast) {
  OtlpMappingOptions options;
  options.attribute_map = {{"app.intent", "metadata.intent"}, {"app.rating", "feedback.score"}};
  std::vector<OtlpSpan> spans = {
      MakeSpan("0000000000000001", "", 1, {{"app.intent", "billing"}, {"metadata.intent", "x"}}),
      MakeSpan("0000000000000002", "0000000000000001", 2, {{"app.rating", 4}})};
  OrderedJson trace = Map(spans, options);
  EXPECT_EQ(trace["metadata"]["intent"], "billing");  // applied after the conventions
  EXPECT_EQ(trace["feedback"], OrderedJson::parse(R"({"score": 4})"));
  EXPECT_FALSE(trace["otel"]["spans"][1].contains("attributes"));
  // Without the map they are attributes like any other.
  EXPECT_EQ(Map(spans)["otel"]["spans"][0]["attributes"],
            OrderedJson::parse(R"({"app.intent": "billing"})"));
}

}  // namespace
}  // namespace arbiter
