#include "plugins/agent/citations_plugin.h"

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
  static const testing::PluginHarness harness(CitationsPlugin());
  return harness;
}

// A trace with `output` (JSON-escaped text) and three documents doc0..doc2.
std::string ThreeDocs(const std::string& output) {
  return R"({"trace_id": "t", "output": ")" + output + R"(", "retrieved_documents": [
      {"id": "doc0", "content": "Refunds are issued within five business days."},
      {"id": "doc1", "content": "Orders ship from Lisbon."},
      {"id": "doc2", "content": "Support is open   on\nweekdays from nine to five."}]})";
}

constexpr char kDefault[] = "plugin: citations\n";
constexpr char kVerbatim[] = "plugin: citations\nparams: {verbatim_quotes: true}\n";

TEST(CitationsPluginTest, Registration) {
  PluginInfo info = CitationsPlugin();
  EXPECT_EQ(info.name, "citations");
  EXPECT_EQ(info.version, 1);
  EXPECT_FALSE(info.requires_target);
  nlohmann::json schema = nlohmann::json::parse(info.params_schema);
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["properties"]["pattern"]["default"], "\\[(doc\\d+)\\]");
  EXPECT_EQ(schema["properties"]["min_quote_words"]["default"], 4);
}

TEST(CitationsPluginTest, ValidCitationsPass) {
  Score score =
      Plugin().Judge(kDefault, ThreeDocs("Five days [doc0]; Lisbon [doc1], [doc2] and [doc0]."));
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "4 citations, all among 3 retrieved documents");
  Score one = Plugin().Judge(kDefault, ThreeDocs("Five days [doc0]."));
  EXPECT_EQ(one.value, 1.0);
  EXPECT_EQ(one.reason, "1 citation, among 3 retrieved documents");
}

TEST(CitationsPluginTest, InventedCitationFailsNamingTheFirst) {
  Score score = Plugin().Judge(kDefault, ThreeDocs("Five days [doc0], see [doc7] and [doc9]."));
  EXPECT_EQ(score.value, 0.0);
  EXPECT_EQ(score.reason, "cites [doc7], not among the 3 retrieved documents (doc0, doc1, doc2)");

  // Past five documents the ids are not listed.
  std::string six = R"({"trace_id": "t", "output": "[doc6]", "retrieved_documents":
      [{}, {}, {}, {}, {}, {}]})";
  EXPECT_EQ(Plugin().Judge(kDefault, six).reason,
            "cites [doc6], not among the 6 retrieved documents");
}

TEST(CitationsPluginTest, DocumentsWithoutIdAreNumberedByPosition) {
  const std::string trace = R"({"trace_id": "t", "output": "See [doc1] and [doc2].",
      "retrieved_documents": [{"id": "intro", "content": "a"}, {"content": "b"},
                              {"id": null, "content": "c"}]})";
  Score score = Plugin().Judge(kDefault, trace);
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "2 citations, all among 3 retrieved documents");
  // The first document has its own id, so doc0 names nothing.
  Score doc0 = Plugin().Judge(kDefault, R"({"trace_id": "t", "output": "[doc0]",
      "retrieved_documents": [{"id": "intro"}, {"content": "b"}]})");
  EXPECT_EQ(doc0.value, 0.0);
  EXPECT_EQ(doc0.reason, "cites [doc0], not among the 2 retrieved documents (intro, doc1)");
}

TEST(CitationsPluginTest, NumericIdsMatchTheirJsonText) {
  const std::string yaml = "plugin: citations\nparams: {pattern: '\\[(\\d+)\\]'}\n";
  const std::string docs = R"(, "retrieved_documents": [{"id": 1}, {"id": 2}]})";
  Score ok = Plugin().Judge(yaml, R"({"trace_id": "t", "output": "as shown [2] and [1]")" + docs);
  EXPECT_EQ(ok.value, 1.0);
  EXPECT_EQ(ok.reason, "2 citations, all among 2 retrieved documents");
  Score bad = Plugin().Judge(yaml, R"({"trace_id": "t", "output": "as shown [3]")" + docs);
  EXPECT_EQ(bad.value, 0.0);
  EXPECT_EQ(bad.reason, "cites [3], not among the 2 retrieved documents (1, 2)");
}

TEST(CitationsPluginTest, NoCitations) {
  Score score = Plugin().Judge(kDefault, ThreeDocs("Refunds take five days."));
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "no citations");
  Score none = Plugin().Judge(kDefault, R"({"trace_id": "t", "output": "Hello."})");
  EXPECT_EQ(none.value, 1.0);
  EXPECT_EQ(none.reason, "no citations");
}

TEST(CitationsPluginTest, CitationWithoutDocumentsFails) {
  Score absent = Plugin().Judge(kDefault, R"({"trace_id": "t", "output": "As [doc0] says."})");
  EXPECT_EQ(absent.value, 0.0);
  EXPECT_EQ(absent.reason, "cites [doc0]; no documents retrieved");
  Score null = Plugin().Judge(
      kDefault, R"({"trace_id": "t", "output": "[doc0]", "retrieved_documents": null})");
  EXPECT_EQ(null.reason, "cites [doc0]; no documents retrieved");
  Score empty = Plugin().Judge(
      kDefault, R"({"trace_id": "t", "output": "[doc0]", "retrieved_documents": []})");
  EXPECT_EQ(empty.reason, "cites [doc0]; no documents retrieved");
}

TEST(CitationsPluginTest, CustomPatternAndTarget) {
  const std::string yaml =
      "plugin: citations\ntarget: answer.text\nparams: {pattern: 'source: ([a-z0-9-]+)'}\n";
  const std::string trace = R"({"trace_id": "t", "answer": {"text": "Yes (source: faq-7)."},
      "retrieved_documents": [{"id": "faq-7"}, {"id": "faq-9"}]})";
  Score score = Plugin().Judge(yaml, trace);
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "1 citation, among 2 retrieved documents");
  // The default pattern is not in force: "[doc0]" is not a citation here.
  const std::string other = R"json({"trace_id": "t", "answer": {"text": "[doc0] (source: faq-8)"},
      "retrieved_documents": [{"id": "faq-7"}, {"id": "faq-9"}]})json";
  EXPECT_EQ(Plugin().Judge(yaml, other).reason,
            "cites source: faq-8, not among the 2 retrieved documents (faq-7, faq-9)");
}

TEST(CitationsPluginTest, PatternErrorsAreConfigErrorsAtTheirPosition) {
  EXPECT_EQ(
      Plugin().LoadError("id: cites\nplugin: citations\nparams:\n  pattern: '\\[doc\\d+\\]'\n"),
      "test.yaml:4:12: pattern '\\[doc\\d+\\]' has no capture group; group 1 must capture "
      "the document id");
  EXPECT_THAT(Plugin().LoadError("plugin: citations\nparams: {pattern: '[(doc'}\n"),
              HasSubstr("test.yaml:2:19: bad pattern '[(doc': missing ]"));
  EXPECT_EQ(Plugin().LoadError("plugin: citations\nparams: {pattern: ''}\n"),
            "test.yaml:2:19: empty pattern");
}

TEST(CitationsPluginTest, OtherConfigErrors) {
  EXPECT_EQ(Plugin().LoadError("plugin: citations\nparams: {verbatim_quote: true}\n"),
            "test.yaml:2:10: unknown param 'verbatim_quote' for plugin 'citations' "
            "(did you mean 'verbatim_quotes'?)");
  EXPECT_EQ(Plugin().LoadError("plugin: citations\nparams: {min_quote_words: 3}\n"),
            "test.yaml:2:27: min_quote_words needs verbatim_quotes: true");
  EXPECT_EQ(Plugin().LoadError(
                "plugin: citations\nparams: {verbatim_quotes: true, min_quote_words: 0}\n"),
            "test.yaml:2:50: min_quote_words must be at least 1");
}

TEST(CitationsPluginTest, VerbatimQuoteFoundAndNotFound) {
  Score found = Plugin().Judge(
      kVerbatim, ThreeDocs("Policy: \\\"Refunds are issued within five business days.\\\" [doc0]"));
  EXPECT_EQ(found.value, 1.0);
  EXPECT_EQ(found.reason, "1 citation, among 3 retrieved documents; 1 quote found verbatim");

  Score missing = Plugin().Judge(
      kVerbatim, ThreeDocs("Policy: \\\"Refunds are issued within ten business days.\\\" [doc0]"));
  EXPECT_EQ(missing.value, 0.0);
  EXPECT_EQ(missing.reason,
            "quote 'Refunds are issued within ten business days.' not found in the 3 retrieved "
            "documents (doc0, doc1, doc2)");

  // Verbatim is case-sensitive.
  EXPECT_EQ(Plugin().Judge(kVerbatim, ThreeDocs("\\\"refunds are issued within five\\\"")).value,
            0.0);
  // A bad citation is named before a missing quote.
  EXPECT_EQ(
      Plugin().Judge(kVerbatim, ThreeDocs("\\\"not in any document at all\\\" [doc5]")).reason,
      "cites [doc5], not among the 3 retrieved documents (doc0, doc1, doc2)");
  // Without verbatim_quotes the same text passes.
  EXPECT_EQ(Plugin().Judge(kDefault, ThreeDocs("\\\"not in any document at all\\\"")).value, 1.0);
}

TEST(CitationsPluginTest, ShortQuotesAreIgnored) {
  const std::string text = ThreeDocs("Our \\\"refund window\\\" is \\\"very generous\\\".");
  Score score = Plugin().Judge(kVerbatim, text);
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "no citations; no quotes of at least 4 words");
  Score two = Plugin().Judge(
      "plugin: citations\nparams: {verbatim_quotes: true, min_quote_words: 2}\n", text);
  EXPECT_EQ(two.value, 0.0);
  EXPECT_EQ(two.reason,
            "quote 'refund window' not found in the 3 retrieved documents (doc0, doc1, doc2)");
}

TEST(CitationsPluginTest, WhitespaceRunsAreFoldedOnBothSides) {
  // The document reads "open   on\nweekdays"; the quote has a tab, a no-break space and
  // surrounding spaces.
  Score score = Plugin().Judge(
      kVerbatim,
      ThreeDocs("They say \\\" Support is open on\\tweekdays\u00a0from nine \\\" [doc2]."));
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "1 citation, among 3 retrieved documents; 1 quote found verbatim");
  // Folding never joins words: "openon" is not "open on".
  EXPECT_EQ(Plugin().Judge(kVerbatim, ThreeDocs("\\\"Support is openon weekdays\\\"")).value, 0.0);
}

TEST(CitationsPluginTest, CurlyQuotes) {
  Score found = Plugin().Judge(kVerbatim, ThreeDocs("\u201cOrders ship from Lisbon.\u201d [doc1]"));
  EXPECT_EQ(found.value, 1.0);
  EXPECT_EQ(found.reason, "1 citation, among 3 retrieved documents; 1 quote found verbatim");
  Score missing = Plugin().Judge(kVerbatim, ThreeDocs("\u201cOrders ship from Porto today.\u201d"));
  EXPECT_EQ(missing.value, 0.0);
  EXPECT_EQ(missing.reason,
            "quote 'Orders ship from Porto today.' not found in the 3 retrieved documents "
            "(doc0, doc1, doc2)");
}

TEST(CitationsPluginTest, UnclosedQuotesAndOtherPunctuationAreSkipped) {
  // An inch mark that never closes and an em dash (a U+20xx character like the curly quotes)
  // come before the real quotation, which is still checked.
  Score score = Plugin().Judge(
      kVerbatim, ThreeDocs("A 5\\\" screen \u2014 \u201cOrders ship from Porto today.\u201d"));
  EXPECT_EQ(score.value, 0.0);
  EXPECT_EQ(score.reason,
            "quote 'Orders ship from Porto today.' not found in the 3 retrieved documents "
            "(doc0, doc1, doc2)");
  // A straight quote does not close a curly one.
  Score mixed = Plugin().Judge(kVerbatim, ThreeDocs("\u201cOrders ship \\\" from Porto today."));
  EXPECT_EQ(mixed.value, 1.0);
  EXPECT_EQ(mixed.reason, "no citations; no quotes of at least 4 words");
}

TEST(CitationsPluginTest, QuoteWithoutDocuments) {
  Score score =
      Plugin().Judge(kVerbatim, R"({"trace_id": "t", "output": "\"one two three four\""})");
  EXPECT_EQ(score.value, 0.0);
  EXPECT_EQ(score.reason, "quote 'one two three four' not found; no documents retrieved");
}

TEST(CitationsPluginTest, MalformedTracesAreErrors) {
  EXPECT_EQ(Plugin().EvalError(kDefault,
                               R"({"trace_id": "t", "output": "x", "retrieved_documents": {}})"),
            "retrieved_documents is not an array");
  EXPECT_EQ(
      Plugin().EvalError(kDefault,
                         R"({"trace_id": "t", "output": "x", "retrieved_documents": [{}, "doc"]})"),
      "retrieved_documents[1] is not an object");
  EXPECT_EQ(
      Plugin().EvalError(
          kDefault, R"({"trace_id": "t", "output": "x", "retrieved_documents": [{"id": [1]}]})"),
      "retrieved_documents[0].id is neither a string nor a number");
  EXPECT_EQ(Plugin().EvalError("plugin: citations\ntarget: answer\n", R"({"trace_id": "t"})"),
            "target path 'answer' is missing from the trace");
}

}  // namespace
}  // namespace arbiter
