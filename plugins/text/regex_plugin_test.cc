#include "plugins/text/regex_plugin.h"

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
  static const testing::PluginHarness harness(RegexPlugin());
  return harness;
}

constexpr char kEmailTrace[] =
    R"({"trace_id": "t-1", "output": "Write to ana@example.com or call 555-0100.", "latency_ms": 1234})";
constexpr char kCleanTrace[] =
    R"({"trace_id": "t-2", "output": "Thanks, your refund is on its way."})";

TEST(RegexPluginTest, Registration) {
  PluginInfo info = RegexPlugin();
  EXPECT_EQ(info.name, "regex");
  EXPECT_EQ(info.version, 1);
  EXPECT_FALSE(info.description.empty());
  nlohmann::json schema = nlohmann::json::parse(info.params_schema);
  EXPECT_EQ(schema["required"], nlohmann::json::array({"patterns"}));
  EXPECT_EQ(schema["properties"]["match"]["enum"], nlohmann::json::array({"any", "all", "none"}));
}

TEST(RegexPluginTest, AnyNamesThePatternAndTheMatchedText) {
  const std::string yaml =
      "plugin: regex\nparams: {patterns: ['\\d{3}-\\d{4}', '[a-z]+@[a-z.]+']}\n";
  Score hit = Plugin().Judge(yaml, kEmailTrace);
  EXPECT_EQ(hit.value, 1.0);
  // Declaration order decides which pattern is named, not position in the text.
  EXPECT_EQ(hit.reason, "pattern '\\d{3}-\\d{4}' matched '555-0100'");

  Score miss = Plugin().Judge(yaml, kCleanTrace);
  EXPECT_EQ(miss.value, 0.0);
  EXPECT_EQ(miss.reason, "none of the 2 patterns matched");
}

TEST(RegexPluginTest, MatchDefaultsToAny) {
  Score score = Plugin().Judge("plugin: regex\nparams: {patterns: refund}\n", kCleanTrace);
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "pattern 'refund' matched 'refund'");
  Score miss = Plugin().Judge("plugin: regex\nparams: {patterns: [invoice]}\n", kCleanTrace);
  EXPECT_EQ(miss.value, 0.0);
  EXPECT_EQ(miss.reason, "pattern 'invoice' did not match");
}

TEST(RegexPluginTest, AllNamesTheFirstMissingPattern) {
  const std::string yaml =
      "plugin: regex\nparams: {patterns: ['@example\\.com', 'refund', '\\d+'], match: all}\n";
  Score missing = Plugin().Judge(yaml, kEmailTrace);
  EXPECT_EQ(missing.value, 0.0);
  EXPECT_EQ(missing.reason, "pattern 'refund' did not match");

  Score all = Plugin().Judge(yaml, R"({"trace_id": "t", "output": "refund 12 to bo@example.com"})");
  EXPECT_EQ(all.value, 1.0);
  EXPECT_EQ(all.reason, "all 3 patterns matched");
}

TEST(RegexPluginTest, NoneFailsOnAnyMatch) {
  const std::string yaml =
      "plugin: regex\n"
      "params: {patterns: ['[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}'], match: none}\n";
  Score leak = Plugin().Judge(yaml, kEmailTrace);
  EXPECT_EQ(leak.value, 0.0);
  EXPECT_THAT(leak.reason, HasSubstr("matched 'ana@example.com'"));

  Score clean = Plugin().Judge(yaml, kCleanTrace);
  EXPECT_EQ(clean.value, 1.0);
  EXPECT_THAT(clean.reason, HasSubstr("did not match"));
}

TEST(RegexPluginTest, CaseInsensitiveFoldsAsciiAndUnicode) {
  const std::string trace = R"({"trace_id": "t", "output": "Voir l'ÉCOLE, REFUND"})";
  EXPECT_EQ(Plugin().Judge("plugin: regex\nparams: {patterns: [refund]}\n", trace).value, 0.0);
  Score ascii = Plugin().Judge(
      "plugin: regex\nparams: {patterns: [refund], case_insensitive: true}\n", trace);
  EXPECT_EQ(ascii.value, 1.0);
  EXPECT_EQ(ascii.reason, "pattern 'refund' matched 'REFUND'");
  Score unicode =
      Plugin().Judge("plugin: regex\nparams: {patterns: [école], case_insensitive: true}\n", trace);
  EXPECT_EQ(unicode.value, 1.0);
  EXPECT_EQ(unicode.reason, "pattern 'école' matched 'ÉCOLE'");
}

TEST(RegexPluginTest, LongMatchesAreTruncated) {
  std::string long_output(200, 'a');
  Score score = Plugin().Judge("plugin: regex\nparams: {patterns: ['a+']}\n",
                               R"({"trace_id": "t", "output": ")" + long_output + R"("})");
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "pattern 'a+' matched '" + std::string(60, 'a') + "...'");
}

TEST(RegexPluginTest, NumberTargetIsMatchedAsItsJsonText) {
  Score score = Plugin().Judge(
      "plugin: regex\ntarget: latency_ms\nparams: {patterns: ['^\\d{4}$']}\n", kEmailTrace);
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "pattern '^\\d{4}$' matched '1234'");
}

TEST(RegexPluginTest, MissingTargetIsAnErrorNotAFail) {
  auto evaluator =
      Plugin().Create("plugin: regex\ntarget: metadata.intent\nparams: {patterns: [x]}\n");
  ASSERT_TRUE(evaluator.ok());
  ParsedTrace trace(kCleanTrace);
  Result<Score> score = (*evaluator)->Evaluate(trace, EvalContext{});
  ASSERT_FALSE(score.ok());
  EXPECT_EQ(score.status().message(), "target path 'metadata.intent' is missing from the trace");
}

TEST(RegexPluginTest, BadPatternIsAConfigErrorAtItsPosition) {
  auto evaluator = Plugin().Create(
      "id: pii\n"
      "plugin: regex\n"
      "params:\n"
      "  patterns:\n"
      "    - 'ok'\n"
      "    - 'broken(group'\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(evaluator.status().code(), Status::Code::kInvalidArgument);
  const std::string& message = evaluator.status().message();
  EXPECT_THAT(message, HasSubstr("test.yaml:6:7: "));
  EXPECT_THAT(message, HasSubstr("'broken(group'"));
  EXPECT_THAT(message, HasSubstr("missing )"));  // RE2's own diagnosis
}

TEST(RegexPluginTest, BadSinglePatternPointsAtTheString) {
  auto evaluator = Plugin().Create("plugin: regex\nparams: {patterns: 'a**'}\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_THAT(evaluator.status().message(), HasSubstr("test.yaml:2:20: bad pattern 'a**'"));
}

TEST(RegexPluginTest, ConfigErrors) {
  auto unknown = Plugin().Create("plugin: regex\nparams: {patterns: [a], case_insensitve: true}\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("test.yaml:2:25: unknown param 'case_insensitve' for plugin 'regex' "
                        "(did you mean 'case_insensitive'?)"));

  auto missing = Plugin().Create("plugin: regex\nparams: {match: all}\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("missing param 'patterns'"));

  auto mode = Plugin().Create("plugin: regex\nparams: {patterns: [a], match: most}\n");
  ASSERT_FALSE(mode.ok());
  EXPECT_THAT(mode.status().message(),
              HasSubstr("test.yaml:2:32: param 'match' is 'most'; expected any | all | none"));

  auto empty = Plugin().Create("plugin: regex\nparams: {patterns: [a, '']}\n");
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.status().message(), HasSubstr("test.yaml:2:24: empty pattern"));
}

}  // namespace
}  // namespace arbiter
