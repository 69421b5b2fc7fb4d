#include "plugins/json_schema/json_schema_plugin.h"

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::ParsedTrace;
using testing::SpecFromYaml;
using ::testing::StartsWith;

const testing::PluginHarness& Plugin() {
  static const testing::PluginHarness harness(JsonSchemaPlugin());
  return harness;
}

// A trace whose `output` is `text` (as a JSON string).
std::string OutputTrace(const std::string& text) {
  return nlohmann::json{{"trace_id", "t-1"}, {"output", text}}.dump();
}

constexpr char kOrderSchema[] =
    "plugin: json_schema\n"
    "params:\n"
    "  schema:\n"
    "    type: object\n"
    "    required: [order_id, items]\n"
    "    properties:\n"
    "      order_id: {type: string, pattern: '^A-[0-9]+$'}\n"
    "      status: {enum: [confirmed, shipped]}\n"
    "      items:\n"
    "        type: array\n"
    "        items:\n"
    "          type: object\n"
    "          required: [sku, price]\n"
    "          properties: {sku: {type: string}, price: {type: number, minimum: 0}}\n";

constexpr char kGoodOrder[] =
    R"({"order_id": "A-17", "status": "shipped", "items": [{"sku": "X-1", "price": 12.5}]})";

TEST(JsonSchemaPluginTest, Registration) {
  PluginInfo info = JsonSchemaPlugin();
  EXPECT_EQ(info.name, "json_schema");
  EXPECT_EQ(info.version, 1);
  EXPECT_FALSE(info.description.empty());
  EXPECT_FALSE(info.requires_target);
  nlohmann::json schema = nlohmann::json::parse(info.params_schema);
  EXPECT_EQ(schema["additionalProperties"], false);
  for (const char* key : {"schema", "schema_file", "schemas", "schema_files", "allow_code_fence"}) {
    EXPECT_TRUE(schema["properties"].contains(key)) << key;
  }
  EXPECT_EQ(schema["properties"]["allow_code_fence"]["default"], true);
}

TEST(JsonSchemaPluginTest, ValidOutputPasses) {
  Score score = Plugin().Judge(kOrderSchema, OutputTrace(kGoodOrder));
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "output matches the schema");
}

TEST(JsonSchemaPluginTest, InvalidOutputNamesTheFirstViolationByPointer) {
  Score nested = Plugin().Judge(kOrderSchema, OutputTrace(R"({"order_id": "A-17", "items": [
      {"sku": "X-1", "price": "12.50"}, {"sku": 7, "price": 1}]})"));
  EXPECT_EQ(nested.value, 0.0);
  EXPECT_EQ(nested.reason, "/items/0/price: expected type number, got string");

  Score root = Plugin().Judge(kOrderSchema, OutputTrace(R"({"items": []})"));
  EXPECT_EQ(root.value, 0.0);
  EXPECT_EQ(root.reason, "missing required property 'order_id'");

  Score range = Plugin().Judge(
      kOrderSchema, OutputTrace(R"({"order_id": "A-1", "items": [{"sku": "a", "price": -2}]})"));
  EXPECT_EQ(range.reason, "/items/0/price: expected number greater than or equal to 0.000000");

  Score enumeration = Plugin().Judge(
      kOrderSchema, OutputTrace(R"({"order_id": "A-1", "items": [], "status": "lost"})"));
  EXPECT_EQ(enumeration.reason, "/status: failed to match against any enum values (got \"lost\")");

  Score pattern = Plugin().Judge(kOrderSchema, OutputTrace(R"({"order_id": "B-1", "items": []})"));
  EXPECT_EQ(pattern.reason, "/order_id: does not match pattern '^A-[0-9]+$' (got \"B-1\")");
}

TEST(JsonSchemaPluginTest, FencedOutputWithTextAroundIsRead) {
  const std::string fenced =
      std::string("Here is the order:\n\n```json\n") + kGoodOrder + "\n```\n\nAnything else?";
  Score score = Plugin().Judge(kOrderSchema, OutputTrace(fenced));
  EXPECT_EQ(score.value, 1.0);
  EXPECT_EQ(score.reason, "output matches the schema (in a code fence)");

  // A fence without an info string, and a violation inside it.
  Score bad = Plugin().Judge(kOrderSchema,
                             OutputTrace("Sure.\n```\n{\"order_id\": 5, \"items\": []}\n```"));
  EXPECT_EQ(bad.value, 0.0);
  EXPECT_EQ(bad.reason, "/order_id: expected type string, got number");
}

TEST(JsonSchemaPluginTest, FenceDisallowedIsNotJson) {
  const std::string yaml =
      "plugin: json_schema\nparams: {schema: {type: object}, allow_code_fence: false}\n";
  Score score = Plugin().Judge(yaml, OutputTrace("```json\n{}\n```"));
  EXPECT_EQ(score.value, 0.0);
  EXPECT_EQ(score.reason,
            "output is not valid JSON: syntax error while parsing value - invalid literal; last "
            "read: '`'; at offset 0 (it has a code fence; allow_code_fence is false)");
  EXPECT_EQ(Plugin().Judge(yaml, OutputTrace("{}")).value, 1.0);
}

TEST(JsonSchemaPluginTest, NonJsonOutputIsAFailNotAnError) {
  auto evaluator = Plugin().Create("plugin: json_schema\nparams: {schema: {type: object}}\n");
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  Score prose =
      testing::PluginHarness::ScoreOf(**evaluator, OutputTrace("Sure! Your order is on its way."));
  EXPECT_EQ(prose.value, 0.0);
  EXPECT_EQ(prose.reason,
            "output is not valid JSON: syntax error while parsing value - invalid literal; last "
            "read: 'S'; at offset 0");

  Score truncated =
      testing::PluginHarness::ScoreOf(**evaluator, OutputTrace(R"({"name": "Ana", "age": )"));
  EXPECT_EQ(truncated.value, 0.0);
  EXPECT_THAT(truncated.reason, StartsWith("output is not valid JSON: syntax error while parsing "
                                           "value - unexpected end of input"));
  EXPECT_THAT(truncated.reason, HasSubstr("; at offset 23"));

  // Trailing prose after the JSON is not JSON either.
  Score trailing =
      testing::PluginHarness::ScoreOf(**evaluator, OutputTrace("{} I hope this helps"));
  EXPECT_EQ(trailing.value, 0.0);
  EXPECT_THAT(trailing.reason, HasSubstr("at offset 3"));

  // The offset counts from the start of the output, not of the fenced body.
  Score in_fence = testing::PluginHarness::ScoreOf(
      **evaluator, OutputTrace("Result:\n```json\n{\"a\": tru}\n```"));
  EXPECT_THAT(in_fence.reason, HasSubstr("; at offset 25"));
}

TEST(JsonSchemaPluginTest, MissingTargetIsAnError) {
  auto evaluator = Plugin().Create(
      "plugin: json_schema\ntarget: metadata.answer\nparams: {schema: {type: object}}\n");
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  ParsedTrace trace(OutputTrace("{}"));
  Result<Score> score = (*evaluator)->Evaluate(trace, EvalContext{});
  ASSERT_FALSE(score.ok());
  EXPECT_EQ(score.status().message(), "target path 'metadata.answer' is missing from the trace");
}

TEST(JsonSchemaPluginTest, NonStringTargetIsCheckedAsItIs) {
  const std::string yaml =
      "plugin: json_schema\ntarget: metadata\n"
      "params: {schema: {type: object, properties: {tier: {type: [string, 'null']}}}}\n";
  EXPECT_EQ(Plugin().Judge(yaml, R"({"trace_id": "t", "metadata": {"tier": "gold"}})").reason,
            "metadata matches the schema");
  Score bad = Plugin().Judge(yaml, R"({"trace_id": "t", "metadata": {"tier": 3}})");
  EXPECT_EQ(bad.value, 0.0);
  EXPECT_EQ(bad.reason, "/tier: expected type string or null, got number");
  // A string target holding JSON is parsed, whatever path it sits at.
  EXPECT_EQ(Plugin().Judge(yaml, R"({"trace_id": "t", "metadata": "{\"tier\": null}"})").value,
            1.0);
}

TEST(JsonSchemaPluginTest, QuotedYamlScalarsStayStrings) {
  const std::string yaml =
      "plugin: json_schema\n"
      "params:\n"
      "  schema: {properties: {code: {const: '007'}, flag: {const: true}, n: {const: 7}}}\n";
  EXPECT_EQ(Plugin().Judge(yaml, OutputTrace(R"({"code": "007", "flag": true, "n": 7})")).value,
            1.0);
  EXPECT_EQ(Plugin().Judge(yaml, OutputTrace(R"({"code": 7})")).reason,
            "/code: failed to match expected value set by 'const' constraint (got 7)");
  EXPECT_EQ(Plugin().Judge(yaml, OutputTrace(R"({"flag": "true"})")).value, 0.0);
  EXPECT_EQ(Plugin().Judge(yaml, OutputTrace(R"({"n": "7"})")).value, 0.0);
}

TEST(JsonSchemaPluginTest, IntegersBeyond64BitsAreNumbers) {
  // simdjson refuses them; the nlohmann fallback reads them as doubles.
  const std::string yaml =
      "plugin: json_schema\nparams: {schema: {properties: {n: {type: number}}}}\n";
  EXPECT_EQ(Plugin().Judge(yaml, OutputTrace(R"({"n": 123456789012345678901234567890})")).value,
            1.0);
}

constexpr char kToolYaml[] =
    "plugin: json_schema\n"
    "target: tool_calls\n"
    "params:\n"
    "  schemas:\n"
    "    issue_refund:\n"
    "      type: object\n"
    "      required: [order_id, amount]\n"
    "      properties: {order_id: {type: string}, amount: {type: number}}\n"
    "    lookup_order: {type: object, required: [order_id]}\n";

TEST(JsonSchemaPluginTest, ToolCallArgumentsAreCheckedPerTool) {
  auto evaluator = Plugin().Create(kToolYaml);
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();

  Score valid = testing::PluginHarness::ScoreOf(**evaluator, R"({"trace_id": "t", "tool_calls": [
      {"name": "lookup_order", "arguments": {"order_id": "A-1"}},
      {"name": "search", "arguments": {"q": 5}},
      {"name": "issue_refund", "arguments": "{\"order_id\": \"A-1\", \"amount\": 12.5}"}]})");
  EXPECT_EQ(valid.value, 1.0);
  EXPECT_EQ(valid.reason, "2 tool calls match their schemas");

  Score invalid = testing::PluginHarness::ScoreOf(**evaluator, R"({"trace_id": "t", "tool_calls": [
      {"name": "lookup_order", "arguments": {"order_id": "A-1"}},
      {"name": "issue_refund", "arguments": {"order_id": "A-1", "amount": "12.50"}}]})");
  EXPECT_EQ(invalid.value, 0.0);
  EXPECT_EQ(invalid.reason,
            "tool_calls[1] (issue_refund): /amount: expected type number, got string");

  Score string_args =
      testing::PluginHarness::ScoreOf(**evaluator, R"({"trace_id": "t", "tool_calls": [
      {"name": "issue_refund", "arguments": "{\"order_id\": \"A-1\"}"}]})");
  EXPECT_EQ(string_args.value, 0.0);
  EXPECT_EQ(string_args.reason, "tool_calls[0] (issue_refund): missing required property 'amount'");

  Score unparseable =
      testing::PluginHarness::ScoreOf(**evaluator, R"({"trace_id": "t", "tool_calls": [
      {"name": "lookup_order", "arguments": "{\"order_id\": \"A-1\""}]})");
  EXPECT_EQ(unparseable.value, 0.0);
  EXPECT_THAT(unparseable.reason,
              StartsWith("tool_calls[0] (lookup_order): arguments are not valid JSON: syntax "
                         "error while parsing object - unexpected end of input"));

  // Absent arguments are `{}`, which lacks the required field.
  Score absent = testing::PluginHarness::ScoreOf(
      **evaluator, R"({"trace_id": "t", "tool_calls": [{"name": "lookup_order"}]})");
  EXPECT_EQ(absent.reason, "tool_calls[0] (lookup_order): missing required property 'order_id'");
}

TEST(JsonSchemaPluginTest, ToolCallsInOpenAiForm) {
  Score score = Plugin().Judge(kToolYaml, R"({"trace_id": "t", "tool_calls": [
      {"id": "call_1", "type": "function",
       "function": {"name": "issue_refund", "arguments": "{\"order_id\": \"A-1\", \"amount\": true}"}}]})");
  EXPECT_EQ(score.value, 0.0);
  EXPECT_EQ(score.reason,
            "tool_calls[0] (issue_refund): /amount: expected type number, got boolean");
}

TEST(JsonSchemaPluginTest, ToolCallsWithoutSchemasOrCalls) {
  EXPECT_EQ(Plugin()
                .Judge(kToolYaml, R"({"trace_id": "t", "tool_calls": [
      {"name": "search", "arguments": {}}, {"name": "weather"}, {"name": "search"}]})")
                .reason,
            "no schema for the tools called ('search', 'weather'); nothing checked");
  Score empty = Plugin().Judge(kToolYaml, R"({"trace_id": "t", "tool_calls": []})");
  EXPECT_EQ(empty.value, 1.0);
  EXPECT_EQ(empty.reason, "no tool calls");
  EXPECT_EQ(Plugin().Judge(kToolYaml, R"({"trace_id": "t"})").reason, "no tool calls");
}

TEST(JsonSchemaPluginTest, MalformedToolCallsAreErrors) {
  auto evaluator = Plugin().Create(kToolYaml);
  ASSERT_TRUE(evaluator.ok());
  ParsedTrace not_array(R"({"trace_id": "t", "tool_calls": {"name": "x"}})");
  Result<Score> score = (*evaluator)->Evaluate(not_array, EvalContext{});
  ASSERT_FALSE(score.ok());
  EXPECT_EQ(score.status().message(), "'tool_calls' is not an array");

  ParsedTrace nameless(
      R"({"trace_id": "t", "tool_calls": [{"name": "search"}, {"arguments": {}}]})");
  score = (*evaluator)->Evaluate(nameless, EvalContext{});
  ASSERT_FALSE(score.ok());
  EXPECT_EQ(score.status().message(), "tool_calls[1] has no tool name");
}

// A temporary folder holding an evaluator YAML file and its schemas.
class SchemaFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("arbiter_json_schema_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "evaluators" / "schemas");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(dir_ / relative) << text;
  }
  std::string YamlFile() const { return (dir_ / "evaluators" / "valid-json.yaml").string(); }

  std::filesystem::path dir_;
};

TEST_F(SchemaFileTest, SchemaFileIsRelativeToTheYamlFolder) {
  Write("evaluators/schemas/person.json",
        R"({"type": "object", "required": ["name"], "properties": {"age": {"type": "integer"}}})");
  auto evaluator = Plugin().Create(
      "plugin: json_schema\nparams: {schema_file: schemas/person.json}\n", YamlFile());
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  EXPECT_EQ(
      testing::PluginHarness::ScoreOf(**evaluator, OutputTrace(R"({"name": "Ana", "age": 40})"))
          .value,
      1.0);
  EXPECT_EQ(
      testing::PluginHarness::ScoreOf(**evaluator, OutputTrace(R"({"name": "Ana", "age": 40.5})"))
          .reason,
      "/age: expected type integer, got number");
}

TEST_F(SchemaFileTest, SchemaFilesPerTool) {
  Write("evaluators/schemas/refund.yaml", "type: object\nrequired: [order_id]\n");
  auto evaluator = Plugin().Create(
      "plugin: json_schema\nparams: {schema_files: {issue_refund: schemas/refund.yaml}}\n",
      YamlFile());
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  EXPECT_EQ(testing::PluginHarness::ScoreOf(
                **evaluator, R"({"trace_id": "t", "tool_calls": [{"name": "issue_refund",
      "arguments": {}}]})")
                .reason,
            "tool_calls[0] (issue_refund): missing required property 'order_id'");
}

TEST_F(SchemaFileTest, MissingSchemaFileNamesThePath) {
  auto evaluator = Plugin().Create(
      "plugin: json_schema\nparams: {schema_file: schemas/nope.json}\n", YamlFile());
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(evaluator.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(evaluator.status().message(),
            YamlFile() + ":2:23: cannot read schema_file '" +
                (dir_ / "evaluators" / "schemas" / "nope.json").string() +
                "': No such file or directory");
}

TEST_F(SchemaFileTest, BadSchemaFileIsAConfigError) {
  Write("evaluators/schemas/broken.json", "{\"type\": \"object\",\n \"required\": [name]}");
  auto evaluator = Plugin().Create(
      "plugin: json_schema\nparams:\n  schema_file: schemas/broken.json\n", YamlFile());
  ASSERT_FALSE(evaluator.ok());
  EXPECT_THAT(evaluator.status().message(), StartsWith(YamlFile() + ":3:16: schema_file '"));
  EXPECT_THAT(evaluator.status().message(),
              HasSubstr("broken.json' is not valid JSON: parse error at line 2, column 16: syntax "
                        "error while parsing value - invalid literal"));

  Write("evaluators/schemas/huge.json", R"({"type": "number", "maximum": 1e999})");
  evaluator = Plugin().Create("plugin: json_schema\nparams: {schema_file: schemas/huge.json}\n",
                              YamlFile());
  ASSERT_FALSE(evaluator.ok());  // nlohmann's out_of_range, not a parse_error: it aborted
  EXPECT_THAT(evaluator.status().message(),
              HasSubstr("huge.json' is not valid JSON: number overflow parsing '1e999'"));

  Write("evaluators/schemas/remote.json", R"({"properties": {"a": {"$ref": "http://x/a.json"}}})");
  evaluator = Plugin().Create("plugin: json_schema\nparams: {schema_file: schemas/remote.json}\n",
                              YamlFile());
  ASSERT_FALSE(evaluator.ok());
  EXPECT_THAT(evaluator.status().message(), HasSubstr("remote $ref 'http://x/a.json' is not "
                                                      "supported"));
  EXPECT_THAT(evaluator.status().message(), HasSubstr("(at /properties/a/$ref)"));
}

TEST(JsonSchemaPluginTest, SchemaThatDoesNotCompileIsAConfigErrorAtItsPosition) {
  auto evaluator = Plugin().Create(
      "id: valid-json\n"
      "plugin: json_schema\n"
      "params:\n"
      "  schema:\n"
      "    type: object\n"
      "    properties:\n"
      "      name: {type: string, minLength: many}\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(evaluator.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(evaluator.status().message(), StartsWith("test.yaml:5:5: schema: schema does not "
                                                       "compile: "));
}

TEST(JsonSchemaPluginTest, BadPatternPointsAtThePattern) {
  auto evaluator = Plugin().Create(
      "plugin: json_schema\n"
      "params:\n"
      "  schema:\n"
      "    properties:\n"
      "      sku: {type: string, pattern: '^(x'}\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(
      evaluator.status().message(),
      "test.yaml:5:36: schema: bad pattern '^(x': Mismatched '(' and ')' in regular expression");
}

TEST(JsonSchemaPluginTest, PatternsMatchLongStringsAndCodePoints) {
  // std::regex (valijson's matcher) recurses per character and overflows the stack on strings
  // of some 20 KB; patterns run on RE2, which also counts code points, not bytes.
  const std::string yaml =
      "plugin: json_schema\n"
      "params: {schema: {properties: {text: {pattern: '^[a-z ]+$'}, code: {pattern: '^.{3}$'}}}}\n";
  std::string long_text;
  for (int i = 0; i < 20000; ++i) long_text += "lorem ipsum ";
  EXPECT_EQ(Plugin().Judge(yaml, OutputTrace(nlohmann::json{{"text", long_text}}.dump())).value,
            1.0);
  EXPECT_EQ(
      Plugin().Judge(yaml, OutputTrace(nlohmann::json{{"text", long_text + "!"}}.dump())).value,
      0.0);
  EXPECT_EQ(Plugin().Judge(yaml, OutputTrace(R"({"code": "çéü"})")).value, 1.0);
}

TEST(JsonSchemaPluginTest, LookaroundPatternsFallBackToStdRegexWithALimit) {
  auto evaluator = Plugin().Create(
      "plugin: json_schema\n"
      "params: {schema: {properties: {password: {pattern: '^(?=.*[0-9]).{8,}$'}}}}\n");
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  EXPECT_EQ(testing::PluginHarness::ScoreOf(**evaluator, OutputTrace(R"({"password": "hunter22"})"))
                .value,
            1.0);
  EXPECT_EQ(testing::PluginHarness::ScoreOf(**evaluator, OutputTrace(R"({"password": "hunter!!"})"))
                .reason,
            "/password: does not match pattern '^(?=.*[0-9]).{8,}$' (got \"hunter!!\")");
  // Past the limit the check is an error row, never a crash.
  ParsedTrace huge(OutputTrace(nlohmann::json{{"password", std::string(5000, 'a')}}.dump()));
  Result<Score> score = (*evaluator)->Evaluate(huge, EvalContext{});
  ASSERT_FALSE(score.ok());
  EXPECT_EQ(score.status().message(),
            "schema check failed: a string of 5000 bytes is too long for pattern "
            "'^(?=.*[0-9]).{8,}$' (lookaround and backreferences run on std::regex, limited to "
            "4096 bytes)");
}

TEST(JsonSchemaPluginTest, RemoteRefIsRefusedAtLoad) {
  auto evaluator = Plugin().Create(
      "plugin: json_schema\n"
      "params:\n"
      "  schemas:\n"
      "    lookup:\n"
      "      properties:\n"
      "        id: {$ref: 'https://example.com/id.json'}\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(evaluator.status().message(),
            "test.yaml:6:20: schema for tool 'lookup': remote $ref 'https://example.com/id.json' "
            "is not supported: schemas are never fetched; inline it, or point into this schema "
            "('#/definitions/name')");
}

TEST(JsonSchemaPluginTest, LocalRefsWork) {
  const std::string yaml =
      "plugin: json_schema\n"
      "params:\n"
      "  schema:\n"
      "    definitions: {money: {type: number}}\n"
      "    properties: {total: {$ref: '#/definitions/money'}}\n";
  EXPECT_EQ(Plugin().Judge(yaml, OutputTrace(R"({"total": 3})")).value, 1.0);
  EXPECT_EQ(Plugin().Judge(yaml, OutputTrace(R"({"total": "3"})")).reason,
            "/total: expected type number, got string");
}

TEST(JsonSchemaPluginTest, RefLoopsAreRefusedAtLoad) {
  // Each once killed `validate` and `run` with SIGSEGV (valijson recursed without end).
  auto self = Plugin().Create(
      "plugin: json_schema\n"
      "params:\n"
      "  schema: {$ref: '#'}\n");
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(self.status().message(),
            "test.yaml:3:11: schema: $ref loop # -> #: each schema applies the next to the same "
            "value, without end");

  auto pair = Plugin().Create(
      "plugin: json_schema\n"
      "params:\n"
      "  schema:\n"
      "    definitions:\n"
      "      a: {$ref: '#/definitions/b'}\n"
      "      b: {$ref: '#/definitions/a'}\n"
      "    properties: {x: {$ref: '#/definitions/a'}}\n");
  ASSERT_FALSE(pair.ok());
  EXPECT_THAT(pair.status().message(),
              HasSubstr("$ref loop #/definitions/a -> #/definitions/b -> #/definitions/a"));

  auto all_of = Plugin().Create(
      "plugin: json_schema\n"
      "params: {schema: {type: object, anyOf: [{type: string}, {allOf: [{$ref: '#'}]}]}}\n");
  ASSERT_FALSE(all_of.ok());
  EXPECT_THAT(all_of.status().message(),
              HasSubstr("$ref loop # -> #/anyOf/1 -> #/anyOf/1/allOf/0 -> #:"));

  // valijson skips empty pointer tokens and decodes %XX: "#/" is the root and "%61" is "a".
  // Found by the json_schema fuzz target (stack overflow while compiling).
  auto slash = Plugin().Create(
      "plugin: json_schema\n"
      "params: {schema: {definitions: {a: {type: object}}, $ref: '#/', multipleOf: 2}}\n");
  ASSERT_FALSE(slash.ok());
  EXPECT_THAT(slash.status().message(), HasSubstr("$ref loop # -> #:"));
  auto encoded = Plugin().Create(
      "plugin: json_schema\n"
      "params:\n"
      "  schema:\n"
      "    definitions: {a: {$ref: '#/definitions/%61'}}\n"
      "    properties: {x: {$ref: '#/definitions//a'}}\n");
  ASSERT_FALSE(encoded.ok());
  EXPECT_THAT(encoded.status().message(),
              HasSubstr("$ref loop #/definitions/a -> #/definitions/a"));
}

TEST(JsonSchemaPluginTest, RecursiveSchemasThatDescendWork) {
  const std::string yaml =
      "plugin: json_schema\n"
      "params:\n"
      "  schema:\n"
      "    type: object\n"
      "    properties: {name: {type: string}, children: {type: array, items: {$ref: '#'}}}\n";
  EXPECT_EQ(
      Plugin().Judge(yaml, OutputTrace(R"({"children": [{"children": [{"name": "x"}]}]})")).value,
      1.0);
  EXPECT_EQ(
      Plugin().Judge(yaml, OutputTrace(R"({"children": [{"children": [{"name": 7}]}]})")).reason,
      "/children/0/children/0/name: expected type string, got number");
}

TEST(JsonSchemaPluginTest, MultipleOfZeroIsRefusedAtLoad) {
  // It passed `validate`, then `run` died with SIGFPE on the first number.
  for (const char* value : {"0", "-2", "0.0"}) {
    auto evaluator = Plugin().Create(
        std::string("plugin: json_schema\nparams: {schema: {type: number, multipleOf: ") + value +
        "}}\n");
    ASSERT_FALSE(evaluator.ok()) << value;
    EXPECT_THAT(evaluator.status().message(),
                HasSubstr("schema: multipleOf must be greater than 0, not "));
  }
  const std::string half =
      "plugin: json_schema\nparams: {schema: {type: number, multipleOf: 0.5}}\n";
  EXPECT_EQ(Plugin().Judge(half, OutputTrace("3")).value, 1.0);
  EXPECT_EQ(Plugin().Judge(half, OutputTrace("3.25")).value, 0.0);
}

TEST(JsonSchemaPluginTest, ParamErrors) {
  auto unknown =
      Plugin().Create("plugin: json_schema\nparams: {schema: {type: object}, shema: x}\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "test.yaml:2:34: unknown param 'shema' for plugin 'json_schema' "
            "(did you mean 'schema'?)");

  auto none = Plugin().Create("plugin: json_schema\nparams: {allow_code_fence: true}\n");
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), StartsWith("test.yaml:2:9: missing param 'schema'"));

  auto both = Plugin().Create("plugin: json_schema\nparams: {schema: {}, schema_file: a.json}\n");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().message(), "test.yaml:2:35: give 'schema' or 'schema_file', not both");

  auto not_object = Plugin().Create("plugin: json_schema\nparams: {schema: [type, object]}\n");
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.status().message(),
            "test.yaml:2:18: schema must be a mapping (a JSON Schema object)");

  auto whole_array =
      Plugin().Create("plugin: json_schema\ntarget: tool_calls\nparams: {schema: {type: array}}\n");
  ASSERT_FALSE(whole_array.ok());
  EXPECT_THAT(whole_array.status().message(), StartsWith("test.yaml:2:9: target 'tool_calls'"));

  auto fence_on_tools =
      Plugin().Create("plugin: json_schema\nparams: {schemas: {a: {}}, allow_code_fence: true}\n");
  ASSERT_FALSE(fence_on_tools.ok());
  EXPECT_THAT(fence_on_tools.status().message(), StartsWith("test.yaml:2:46: 'allow_code_fence'"));
}

TEST(JsonSchemaPluginTest, ConcurrentEvaluationsAgree) {
  auto evaluator = Plugin().Create(kOrderSchema);
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  const Evaluator& shared = **evaluator;
  // Each thread owns its traces (a Trace is tied to its parser); the evaluator is shared.
  const std::string good = OutputTrace(kGoodOrder);
  const std::string bad =
      OutputTrace(R"({"order_id": "A-9", "items": [{"sku": "X-1", "price": "free"}]})");
  const std::string prose = OutputTrace("no JSON here");
  constexpr int kThreads = 4, kRounds = 500;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ParsedTrace traces[] = {ParsedTrace(good), ParsedTrace(bad), ParsedTrace(prose)};
      for (int i = 0; i < kRounds; ++i) {
        const ParsedTrace& trace = traces[(i + t) % 3];
        Result<Score> score = shared.Evaluate(trace, EvalContext{t});
        bool expected_pass = &trace == &traces[0];
        if (!score.ok() || (score->value == 1.0) != expected_pass) ++mismatches[t];
        if (&trace == &traces[1] && score.ok() &&
            score->reason != "/items/0/price: expected type number, got string") {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace arbiter
