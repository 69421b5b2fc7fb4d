#include "runner/suite/suite.h"
#include "plugins/register_builtins.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/base/yaml_file.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing::TempDir;

class SuiteTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(RegisterBuiltinPlugins(registry_).ok()); }

  Result<Suite> Load(const std::string& suite_yaml) {
    return LoadSuite(dir_.Write("suite.yaml", suite_yaml), registry_);
  }
  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }

  PluginRegistry registry_;
  TempDir dir_;
};

constexpr char kRegex[] =
    "id: no-email\n"
    "version: 3\n"
    "failure_mode: pii-leak\n"
    "plugin: regex\n"
    "target: output\n"
    "params: {patterns: ['@'], match: none}\n"
    "pass_threshold: 0.5\n";

TEST_F(SuiteTest, LoadsEvaluatorsInOrderWithStrataAndGate) {
  dir_.Write("evaluators/no-email.yaml", kRegex);
  dir_.Write("evaluators/short.yaml",
             "id: short\nversion: 1\nplugin: length\nparams: {max_chars: 10}\n");
  Result<Suite> suite = Load(
      "name: demo\n"
      "evaluators: [evaluators/short.yaml, evaluators/no-email.yaml]\n"
      "strata: [metadata.intent, 'tool_calls[0].name']\n"
      "gate: {tolerance: 0.05, gate_mcc: 0.7}\n");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  EXPECT_EQ(suite->name, "demo");
  ASSERT_EQ(suite->evaluators.size(), 2u);
  EXPECT_EQ(suite->evaluators[0].spec.id, "short");
  EXPECT_EQ(suite->evaluators[1].spec.id, "no-email");
  EXPECT_EQ(suite->evaluators[1].spec.version, 3);
  EXPECT_EQ(suite->evaluators[1].spec.failure_mode, "pii-leak");
  EXPECT_EQ(suite->evaluators[1].plugin->name, "regex");
  ASSERT_EQ(suite->strata.size(), 2u);
  EXPECT_EQ(suite->strata[1].text(), "tool_calls[0].name");
  EXPECT_EQ(suite->gate.tolerance, 0.05);
  EXPECT_EQ(suite->gate.gate_mcc, 0.7);
  EXPECT_EQ(suite->gate.signal_mcc, 0.4);  // default
  EXPECT_EQ(suite->gate.min_coverage, 0.9);
  EXPECT_EQ(suite->gate.max_error_rate, 0.05);
}

TEST_F(SuiteTest, ReadsEveryGateKey) {
  dir_.Write("e.yaml", kRegex);
  Result<Suite> suite = Load(
      "name: s\nevaluators: [e.yaml]\n"
      "gate: {tolerance: 0, gate_mcc: -0.2, signal_mcc: -1, min_coverage: 1, "
      "max_error_rate: 0.1}\n");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  EXPECT_EQ(suite->gate.tolerance, 0.0);
  EXPECT_EQ(suite->gate.gate_mcc, -0.2);
  EXPECT_EQ(suite->gate.signal_mcc, -1.0);
  EXPECT_EQ(suite->gate.min_coverage, 1.0);
  EXPECT_EQ(suite->gate.max_error_rate, 0.1);
}

// A gate number out of range would silently change every decision: each is refused where it
// is written, NaN and the infinities included.
TEST_F(SuiteTest, GateNumbersOutOfRangeAreRefusedWithTheirPosition) {
  dir_.Write("e.yaml", kRegex);
  struct Case {
    std::string gate, expected;
  } cases[] = {
      {"{tolerance: 2}",
       ":3:19: gate.tolerance must be a fraction in [0, 1], got 2 (tolerance is a fraction: "
       "0.02 is 2 points)"},
      {"{tolerance: -0.01}", ":3:19: gate.tolerance must be a fraction in [0, 1], got -0.01"},
      {"{tolerance: .nan}", ":3:19: gate.tolerance must be a fraction in [0, 1], got .nan"},
      {"{tolerance: .inf}", ":3:19: gate.tolerance must be a fraction in [0, 1], got .inf"},
      {"{tolerance: lots}", ":3:19: gate.tolerance must be a fraction in [0, 1]"},
      {"{gate_mcc: .nan}", ":3:18: gate.gate_mcc must be a number in [-1, 1], got .nan"},
      {"{gate_mcc: -5}", ":3:18: gate.gate_mcc must be a number in [-1, 1], got -5"},
      {"{signal_mcc: -.inf}", ":3:20: gate.signal_mcc must be a number in [-1, 1], got -.inf"},
      {"{gate_mcc: 0.3, signal_mcc: 0.5}", ":3:35: gate.signal_mcc must not exceed gate.gate_mcc"},
      {"{min_coverage: 1.5}", ":3:22: gate.min_coverage must be a fraction in [0, 1], got 1.5"},
      {"{min_coverage: -0.1}", ":3:22: gate.min_coverage must be a fraction in [0, 1], got -0.1"},
      {"{max_error_rate: .nan}",
       ":3:24: gate.max_error_rate must be a fraction in [0, 1], got .nan"},
      {"{max_error_rate: 5}", ":3:24: gate.max_error_rate must be a fraction in [0, 1], got 5"},
      {"{max_eror_rate: 0.1}", ":3:8: unknown key 'max_eror_rate'"},
      {"[0.02]", ":3:7: gate must be a mapping"},
  };
  for (const Case& c : cases) {
    Result<Suite> suite = Load("name: s\nevaluators: [e.yaml]\ngate: " + c.gate + "\n");
    ASSERT_FALSE(suite.ok()) << c.gate;
    EXPECT_EQ(suite.status().code(), Status::Code::kInvalidArgument) << c.gate;
    EXPECT_THAT(suite.status().message(), StartsWith(Path("suite.yaml") + c.expected)) << c.gate;
  }
}

TEST_F(SuiteTest, UnknownPluginNamesFileLineColumnAndSuggests) {
  dir_.Write("e.yaml", "id: e\nversion: 1\nplugin: regx\n");
  Result<Suite> suite = Load("name: s\nevaluators: [e.yaml]\n");
  ASSERT_FALSE(suite.ok());
  EXPECT_THAT(suite.status().message(),
              StartsWith(Path("e.yaml") + ":3:9: unknown plugin 'regx' (did you mean 'regex'?)"));
}

TEST_F(SuiteTest, BadRegexIsRejectedBeforeAnyTrace) {
  dir_.Write("e.yaml", "id: e\nversion: 1\nplugin: regex\nparams:\n  patterns: ['a(b']\n");
  Result<Suite> suite = Load("name: s\nevaluators: [e.yaml]\n");
  ASSERT_FALSE(suite.ok());
  EXPECT_THAT(suite.status().message(), StartsWith(Path("e.yaml") + ":5:14: bad pattern 'a(b'"));
  EXPECT_THAT(suite.status().message(), HasSubstr("missing )"));
}

TEST_F(SuiteTest, DeclarationErrorsNameTheKey) {
  struct Case {
    std::string yaml, expected;
  } cases[] = {
      {"version: 1\nplugin: regex\n", ":1:1: missing key 'id'"},
      {"id: Bad_Id\nversion: 1\nplugin: regex\n", ":1:5: id 'Bad_Id' must match [a-z0-9-]+"},
      {"id: e\nversion: zero\nplugin: regex\n", ":2:10: version must be a positive integer"},
      {"id: e\nversion: 0\nplugin: regex\n", ":2:10: version must be a positive integer"},
      {"id: e\nversion: 1\nplugin: length\npas_threshold: 0.5\n",
       ":4:1: unknown key 'pas_threshold'"},
      {"id: e\nversion: 1\nplugin: length\npass_threshold: 2\n",
       ":4:17: pass_threshold must be a number in [0, 1]"},
      {"id: e\nversion: 1\nplugin: length\ntarget: 'a..b'\nparams: {max_chars: 3}\n",
       ":4:9: bad path 'a..b' at column 3: empty segment"},
      {"id: e\nversion: 1\nplugin: length\nparams: {max_chars: 3, colour: red}\n",
       ":4:24: unknown param 'colour' for plugin 'length'"},
      {"id: e\nversion: [1\n",
       ":3:1: YAML syntax: end of sequence flow not found (a [ ... ] list is not closed with ']')"},
  };
  for (const Case& c : cases) {
    dir_.Write("e.yaml", c.yaml);
    Result<Suite> suite = Load("name: s\nevaluators: [e.yaml]\n");
    ASSERT_FALSE(suite.ok()) << c.yaml;
    EXPECT_THAT(suite.status().message(), StartsWith(Path("e.yaml") + c.expected)) << c.yaml;
  }
}

TEST_F(SuiteTest, EveryBrokenDeclarationIsReportedAtOnce) {
  dir_.Write("a.yaml", "id: a\nversion: 1\nplugin: nope\n");
  dir_.Write("b.yaml", "id: b\nversion: 1\nplugin: regex\nparams: {patterns: ['(']}\n");
  Result<Suite> suite = Load("name: s\nevaluators: [a.yaml, b.yaml, missing.yaml]\n");
  ASSERT_FALSE(suite.ok());
  const std::string& message = suite.status().message();
  EXPECT_THAT(message, HasSubstr(Path("a.yaml") + ":3:9: unknown plugin 'nope'"));
  EXPECT_THAT(message, HasSubstr(Path("b.yaml") + ":4:21: bad pattern '('"));
  EXPECT_THAT(message, HasSubstr(Path("suite.yaml") + ":2:30: evaluator file '" +
                                 Path("missing.yaml") + "' not found"));
}

TEST_F(SuiteTest, AMissingFileIsNamedNormalizedWithANearMiss) {
  dir_.Write("no-pii.yaml", kRegex);
  Result<Suite> suite =
      Load("name: s\nevaluators: [../" + dir_.path().filename().string() + "/no-pii.yml]\n");
  ASSERT_FALSE(suite.ok());
  EXPECT_THAT(suite.status().message(), HasSubstr("evaluator file '" + Path("no-pii.yml") +
                                                  "' not found (did you mean 'no-pii.yaml'?)"));
  suite = Load("name: s\nevaluators: [nothing-like-it.yaml]\n");
  ASSERT_FALSE(suite.ok());
  EXPECT_THAT(suite.status().message(), Not(HasSubstr("did you mean")));
}

TEST_F(SuiteTest, DuplicateIdsNameBothFiles) {
  dir_.Write("a.yaml", kRegex);
  dir_.Write("b.yaml", kRegex);
  Result<Suite> suite = Load("name: s\nevaluators: [a.yaml, b.yaml]\n");
  ASSERT_FALSE(suite.ok());
  EXPECT_THAT(suite.status().message(), HasSubstr("evaluator id 'no-email' is declared twice: in " +
                                                  Path("a.yaml") + " and in " + Path("b.yaml")));
}

TEST_F(SuiteTest, SuiteErrors) {
  EXPECT_THAT(Load("name: s\n").status().message(),
              HasSubstr("evaluators must be a non-empty list of files"));
  EXPECT_THAT(Load("evaluators: [a.yaml]\n").status().message(), HasSubstr("missing key 'name'"));
  EXPECT_THAT(Load("name: s\nevaluators: [a.yaml]\nstrat: []\n").status().message(),
              StartsWith(Path("suite.yaml") + ":3:1: unknown key 'strat'"));
  EXPECT_THAT(LoadSuite(dir_.path() / "absent.yaml", registry_).status().message(),
              HasSubstr("absent.yaml: cannot read file"));
}

TEST_F(SuiteTest, LoadsFromADocumentAlreadyRead) {
  dir_.Write("evaluators/no-email.yaml", kRegex);
  std::filesystem::path file =
      dir_.Write("suite.yaml", "name: doc\nevaluators: [evaluators/no-email.yaml]\nplugins: []\n");
  Result<YAML::Node> root = LoadYamlFile(file);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  Result<Suite> suite = LoadSuite(file, *root, registry_);
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  EXPECT_EQ(suite->name, "doc");
  EXPECT_EQ(suite->file, file);
  ASSERT_EQ(suite->evaluators.size(), 1u);
  EXPECT_EQ(suite->evaluators[0].spec.id, "no-email");
  // Errors still name the file, line and column.
  std::filesystem::path bad = dir_.Write("bad.yaml", "name: s\nevaluators: [a.yaml]\nstrat: []\n");
  root = LoadYamlFile(bad);
  ASSERT_TRUE(root.ok());
  EXPECT_THAT(LoadSuite(bad, *root, registry_).status().message(),
              StartsWith(bad.string() + ":3:1: unknown key 'strat'"));
}

TEST_F(SuiteTest, OtlpAttributeMapIsReadAndChecked) {
  dir_.Write("evaluators/no-email.yaml", kRegex);
  Result<Suite> suite = Load(
      "name: demo\nevaluators: [evaluators/no-email.yaml]\n"
      "otlp: {attribute_map: {app.intent: metadata.intent, app.rating: feedback.score}}\n");
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  EXPECT_EQ(suite->otlp.attribute_map.size(), 2u);
  EXPECT_EQ(suite->otlp.attribute_map.at("app.intent"), "metadata.intent");
  // Without `otlp:`, nothing is mapped.
  EXPECT_TRUE(
      Load("name: demo\nevaluators: [evaluators/no-email.yaml]\n")->otlp.attribute_map.empty());

  Result<Suite> bad_path = Load(
      "name: demo\nevaluators: [evaluators/no-email.yaml]\n"
      "otlp:\n  attribute_map: {app.intent: 'tool_calls[0].name'}\n");
  EXPECT_THAT(bad_path.status().message(),
              HasSubstr("suite.yaml:4:31: 'tool_calls[0].name' is not a trace path of "
                        "dot-separated keys"));
  Result<Suite> bad_key =
      Load("name: demo\nevaluators: [evaluators/no-email.yaml]\notlp: {attribute_mapp: {}}\n");
  EXPECT_THAT(bad_key.status().message(), HasSubstr("unknown key 'attribute_mapp'"));
  Result<Suite> not_map =
      Load("name: demo\nevaluators: [evaluators/no-email.yaml]\notlp: {attribute_map: [a]}\n");
  EXPECT_THAT(not_map.status().message(),
              HasSubstr("otlp.attribute_map must map span attributes to trace paths"));
}

TEST_F(SuiteTest, MisindentedYamlSaysWhatUsuallyCausesIt) {
  Result<Suite> suite = Load("name: demo\nevaluators: [e.yaml]\n  strata: []\n");
  ASSERT_FALSE(suite.ok());
  EXPECT_THAT(suite.status().message(),
              HasSubstr("suite.yaml:3:3: YAML syntax: end of map not found (a key is indented "
                        "differently from the keys around it"));
}

}  // namespace
}  // namespace arbiter
