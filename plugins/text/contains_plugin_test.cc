#include "plugins/text/contains_plugin.h"

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
  static const testing::PluginHarness harness(ContainsPlugin());
  return harness;
}

std::string Output(const std::string& escaped_json_text) {
  return R"({"trace_id": "t", "output": ")" + escaped_json_text + R"(", "latency_ms": 1234})";
}

TEST(ContainsPluginTest, Registration) {
  PluginInfo info = ContainsPlugin();
  EXPECT_EQ(info.name, "contains");
  EXPECT_EQ(info.version, 1);
  nlohmann::json schema = nlohmann::json::parse(info.params_schema);
  EXPECT_EQ(schema["required"], nlohmann::json::array({"phrases"}));
  EXPECT_EQ(schema["properties"]["fold_whitespace"]["default"], true);
}

TEST(ContainsPluginTest, AnyIsTheDefault) {
  const std::string yaml = "plugin: contains\nparams: {phrases: [invoice, refund]}\n";
  Score hit = Plugin().Judge(yaml, Output("Your refund and invoice are ready."));
  EXPECT_EQ(hit.value, 1.0);
  EXPECT_EQ(hit.reason, "found phrase 'invoice'");  // declaration order, not text order
  Score miss = Plugin().Judge(yaml, Output("All done."));
  EXPECT_EQ(miss.value, 0.0);
  EXPECT_EQ(miss.reason, "none of the 2 phrases found");
}

TEST(ContainsPluginTest, AllNamesTheFirstMissingPhrase) {
  const std::string yaml = "plugin: contains\nparams: {phrases: [refund, invoice], match: all}\n";
  Score missing = Plugin().Judge(yaml, Output("Your refund is ready."));
  EXPECT_EQ(missing.value, 0.0);
  EXPECT_EQ(missing.reason, "phrase 'invoice' not found");
  Score all = Plugin().Judge(yaml, Output("invoice and refund"));
  EXPECT_EQ(all.value, 1.0);
  EXPECT_EQ(all.reason, "all 2 phrases found");
}

TEST(ContainsPluginTest, NoneFailsWhenAPhraseOccurs) {
  const std::string yaml =
      "plugin: contains\nparams: {phrases: ['As an AI language model'], match: none}\n";
  Score found = Plugin().Judge(yaml, Output("As an AI language model, I cannot."));
  EXPECT_EQ(found.value, 0.0);
  EXPECT_EQ(found.reason, "found phrase 'As an AI language model'");
  Score clean = Plugin().Judge(yaml, Output("Here is your answer."));
  EXPECT_EQ(clean.value, 1.0);
  EXPECT_EQ(clean.reason, "phrase 'As an AI language model' not found");
}

TEST(ContainsPluginTest, CaseFoldingAsciiAndUnicode) {
  const std::string text = Output("AS AN AI LANGUAGE MODEL. Ärger über STRASSE, Éclair");
  EXPECT_EQ(Plugin().Judge("plugin: contains\nparams: {phrases: ['as an ai']}\n", text).value, 0.0);
  Score ascii = Plugin().Judge(
      "plugin: contains\nparams: {phrases: ['as an ai'], case_insensitive: true}\n", text);
  EXPECT_EQ(ascii.value, 1.0);
  EXPECT_EQ(ascii.reason, "found phrase 'as an ai' as 'AS AN AI'");
  // Accented letters fold one to one.
  EXPECT_EQ(
      Plugin()
          .Judge("plugin: contains\nparams: {phrases: ['ärger'], case_insensitive: true}\n", text)
          .value,
      1.0);
  EXPECT_EQ(
      Plugin()
          .Judge("plugin: contains\nparams: {phrases: ['éclair'], case_insensitive: true}\n", text)
          .value,
      1.0);
  // Expanding folds are not applied: ß is not SS.
  EXPECT_EQ(
      Plugin()
          .Judge("plugin: contains\nparams: {phrases: ['straße'], case_insensitive: true}\n", text)
          .value,
      0.0);
}

TEST(ContainsPluginTest, WhitespaceRunsFoldByDefault) {
  // Newlines, tabs, a no-break space (U+00A0) and an em space (U+2003) between the words.
  const std::string text = Output("our refund\\n\\t policy and late\u00a0fees and no\u2003way");
  const std::string yaml = "plugin: contains\nparams: {phrases: ['refund policy'], match: all}\n";
  Score folded = Plugin().Judge(yaml, text);
  EXPECT_EQ(folded.value, 1.0);
  EXPECT_EQ(
      Plugin()
          .Judge("plugin: contains\nparams: {phrases: ['late  fees', 'no way'], match: all}\n",
                 text)
          .value,
      1.0);
  Score any = Plugin().Judge("plugin: contains\nparams: {phrases: ['refund policy']}\n", text);
  EXPECT_EQ(any.reason, "found phrase 'refund policy' as 'refund\n\t policy'");

  Score exact = Plugin().Judge(
      "plugin: contains\nparams: {phrases: ['refund policy'], fold_whitespace: false}\n", text);
  EXPECT_EQ(exact.value, 0.0);
  EXPECT_EQ(
      Plugin()
          .Judge("plugin: contains\nparams: {phrases: ['our refund'], fold_whitespace: false}\n",
                 text)
          .value,
      1.0);
  // Whitespace folding never lets a phrase match across a missing space.
  EXPECT_EQ(Plugin().Judge(yaml, Output("refundpolicy")).value, 0.0);
}

TEST(ContainsPluginTest, PhrasesAreLiteralNotRegex) {
  const std::string yaml = "plugin: contains\nparams: {phrases: ['a.b (c)?', '[doc1]']}\n";
  EXPECT_EQ(Plugin().Judge(yaml, Output("axb c")).value, 0.0);
  EXPECT_EQ(Plugin().Judge(yaml, Output("see a.b (c)? here")).value, 1.0);
  EXPECT_EQ(Plugin().Judge(yaml, Output("cites [doc1].")).reason, "found phrase '[doc1]'");
  EXPECT_EQ(Plugin().Judge(yaml, Output("cites d")).value, 0.0);
}

TEST(ContainsPluginTest, ManyFoldedPhrasesAgreeWithTheSetPrescreen) {
  // Case-insensitive phrases take the RE2::Set path; the reason must still name the first
  // phrase in declaration order.
  const std::string yaml =
      "plugin: contains\n"
      "params: {phrases: [zebra, giraffe, 'thank you', okapi], case_insensitive: true}\n";
  EXPECT_EQ(Plugin().Judge(yaml, Output("OKAPI and Thank  You")).reason,
            "found phrase 'thank you' as 'Thank  You'");
  EXPECT_EQ(Plugin().Judge(yaml, Output("nothing")).reason, "none of the 4 phrases found");
}

TEST(ContainsPluginTest, NumberTargetIsMatchedAsItsJsonText) {
  Score score = Plugin().Judge("plugin: contains\ntarget: latency_ms\nparams: {phrases: ['123']}\n",
                               Output("x"));
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "found phrase '123'");
}

TEST(ContainsPluginTest, MissingTargetIsAnError) {
  auto evaluator = Plugin().Create("plugin: contains\nparams: {phrases: [x]}\n");
  ASSERT_TRUE(evaluator.ok());
  ParsedTrace trace(R"({"trace_id": "t", "input": "x"})");
  Result<Score> score = (*evaluator)->Evaluate(trace, EvalContext{});
  ASSERT_FALSE(score.ok());
  EXPECT_EQ(score.status().message(), "target path 'output' is missing from the trace");
}

TEST(ContainsPluginTest, ConfigErrors) {
  auto unknown =
      Plugin().Create("plugin: contains\nparams: {phrases: [a], fold_whitespaces: false}\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("test.yaml:2:24: unknown param 'fold_whitespaces' for plugin 'contains'"));

  auto missing = Plugin().Create("plugin: contains\nparams: {match: none}\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("missing param 'phrases'"));

  auto empty = Plugin().Create("plugin: contains\nparams:\n  phrases: [a, '']\n");
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.status().message(), HasSubstr("test.yaml:3:16: empty phrase"));

  auto flag =
      Plugin().Create("plugin: contains\nparams: {phrases: [a], case_insensitive: maybe}\n");
  ASSERT_FALSE(flag.ok());
  EXPECT_THAT(flag.status().message(),
              HasSubstr("test.yaml:2:42: param 'case_insensitive' must be true or false"));
}

}  // namespace
}  // namespace arbiter
