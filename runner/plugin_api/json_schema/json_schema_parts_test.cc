// The json_schema plugin's parts: YAML to JSON typing, code fences, JSON parse messages, error
// pointers, and the simdjson adapter against the nlohmann one.
#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "runner/plugin_api/json_schema/compiled_schema.h"
#include "runner/plugin_api/json_schema/json_text.h"
#include "runner/plugin_api/json_schema/pattern_match.h"
#include "runner/plugin_api/json_schema/violation.h"
#include "runner/plugin_api/json_schema/yaml_json.h"

namespace arbiter {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

json FromYaml(const std::string& text) {
  Result<json> converted = YamlToJson(YAML::Load(text));
  EXPECT_TRUE(converted.ok()) << converted.status().ToString();
  return converted.ok() ? *converted : json();
}

TEST(YamlToJsonTest, PlainScalarsAreTypedQuotedOnesAreStrings) {
  json value = FromYaml(
      "{t: true, f: False, y: yes, n: null, tilde: ~, empty: , i: 42, neg: -7, hex: 0x1F, "
      "oct: 0o17, x: 1.5, e: 2e3, dot: .5, inf: .inf, s: plain, q: '42', dq: \"true\", "
      "tagged: !!str 5, big: 18446744073709551615, huge: 123456789012345678901234567890, "
      "lead: 007, list: [1, '1', ~]}");
  EXPECT_EQ(value["t"], true);
  EXPECT_EQ(value["f"], false);
  EXPECT_EQ(value["y"], "yes");  // YAML 1.1's booleans are strings in 1.2
  EXPECT_TRUE(value["n"].is_null());
  EXPECT_TRUE(value["tilde"].is_null());
  EXPECT_TRUE(value["empty"].is_null());
  EXPECT_EQ(value["i"], 42);
  EXPECT_TRUE(value["i"].is_number_integer());
  EXPECT_EQ(value["neg"], -7);
  EXPECT_EQ(value["hex"], 31);
  EXPECT_EQ(value["oct"], 15);
  EXPECT_EQ(value["x"], 1.5);
  EXPECT_TRUE(value["e"].is_number_float());
  EXPECT_EQ(value["e"], 2000.0);
  EXPECT_EQ(value["dot"], 0.5);
  EXPECT_EQ(value["inf"], ".inf");
  EXPECT_EQ(value["s"], "plain");
  EXPECT_EQ(value["q"], "42");
  EXPECT_EQ(value["dq"], "true");
  EXPECT_EQ(value["tagged"], "5");
  EXPECT_TRUE(value["big"].is_number_unsigned());
  EXPECT_EQ(value["big"].get<uint64_t>(), 18446744073709551615ull);
  EXPECT_TRUE(value["huge"].is_number_float());
  EXPECT_EQ(value["lead"], 7);
  EXPECT_EQ(value["list"], json::parse(R"([1, "1", null])"));
}

TEST(YamlToJsonTest, BlockScalarsAndNestingKeepTheirShape) {
  json value = FromYaml("a:\n  b: |\n    line\n  c: [x, {d: 1}]\n");
  EXPECT_EQ(value, json::parse(R"({"a": {"b": "line\n", "c": ["x", {"d": 1}]}})"));
}

TEST(YamlToJsonTest, CollectionKeysAreRefused) {
  YAML::Node bad;
  Result<json> converted = YamlToJson(YAML::Load("? [a, b]\n: 1\n"), &bad);
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.status().message(),
            "a JSON object key must be a string, not a YAML collection");
  EXPECT_TRUE(bad.IsSequence());
}

TEST(YamlToJsonTest, NumbersPastADoublesRangeAreRefusedTinyOnesReadAsZero) {
  // from_chars leaves its output as it was when out of range: `maximum: 1e999` read as 0.
  for (const std::string& big :
       {std::string("1e999"), std::string("-2.5e400"), std::string(400, '9')}) {
    YAML::Node bad;
    Result<json> converted = YamlToJson(YAML::Load("{maximum: " + big + "}"), &bad);
    ASSERT_FALSE(converted.ok()) << big;
    EXPECT_EQ(converted.status().message(), "the number " + big + " is past a double's range");
    EXPECT_EQ(bad.Scalar(), big);
  }
  json tiny = FromYaml("{a: 1e-400, b: -1e-400}");
  EXPECT_EQ(tiny["a"], 0.0);
  EXPECT_EQ(tiny["b"], 0.0);
}

TEST(FencedBodyTest, FindsTheFirstFence) {
  EXPECT_EQ(FencedBody("Here:\n```json\n{\"a\": 1}\n```\nbye"), "{\"a\": 1}\n");
  EXPECT_EQ(FencedBody("```\n[1]\n```"), "[1]\n");
  EXPECT_EQ(FencedBody("a\n  ```JSON\n{}\n  ```\n```\n[]\n```"), "{}\n");
  EXPECT_EQ(FencedBody("````\n```\n````"), "```\n");  // a longer fence holds a shorter one
  EXPECT_EQ(FencedBody("cut short:\n```json\n{\"a\":"), "{\"a\":");
  EXPECT_EQ(FencedBody("```json\n"), "");
  EXPECT_EQ(FencedBody("```json"), "");
}

TEST(FencedBodyTest, NoFenceInPlainJsonOrInlineCode) {
  EXPECT_EQ(FencedBody(R"({"code": "```py\nx\n```"})"), std::nullopt);
  EXPECT_EQ(FencedBody("use ```json {\"a\": 1}``` here"), std::nullopt);
  EXPECT_EQ(FencedBody("```json {\"a\": 1}```"), std::nullopt);
  EXPECT_EQ(FencedBody("    ```\nindented code"), std::nullopt);  // 4 spaces: a code block
  EXPECT_EQ(FencedBody(""), std::nullopt);
}

TEST(ParseJsonTextTest, MessagesCarryTheOffset) {
  EXPECT_TRUE(ParseJsonText(" [1, 2] ").ok());
  Result<json> bad = ParseJsonText("[1, 2,]", 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal; "
            "at offset 16");
  Result<json> empty = ParseJsonText("");
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.status().message(), HasSubstr("unexpected end of input"));
  EXPECT_THAT(empty.status().message(), HasSubstr("at offset 0"));
}

TEST(ViolationTest, ContextToPointerEscapes) {
  EXPECT_EQ(ContextToPointer({"<root>"}), "");
  EXPECT_EQ(ContextToPointer({"<root>", "[items]", "[0]", "[price]"}), "/items/0/price");
  EXPECT_EQ(ContextToPointer({"<root>", "[a/b]", "[m~n]"}), "/a~1b/m~0n");
}

TEST(ViolationTest, ShortTextCutsOnCodePoints) {
  EXPECT_EQ(ShortText("héllo", 2), "hé...");
  EXPECT_EQ(ShortText("héllo", 5), "héllo");
}

// Validates `instance` against `schema`, from a parsed element and from text; both must agree.
SchemaVerdict Check(const std::string& schema, const std::string& instance) {
  Result<CompiledSchema> compiled = CompiledSchema::Compile(json::parse(schema));
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  if (!compiled.ok()) return {};
  simdjson::dom::parser parser;
  simdjson::dom::element element = parser.parse(instance);
  Result<SchemaVerdict> from_element = compiled->Validate(element);
  Result<SchemaVerdict> from_text = compiled->ValidateText(instance);
  EXPECT_TRUE(from_element.ok() && from_text.ok());
  if (!from_element.ok() || !from_text.ok()) return {};
  EXPECT_EQ(from_element->detail, from_text->detail) << instance;
  return *from_element;
}

TEST(SimdjsonAdapterTest, WalksArraysAndObjects) {
  // uniqueItems steps back from the end; positional items jump ahead.
  EXPECT_TRUE(Check(R"({"uniqueItems": true})", "[1, 2, 3]").valid());
  EXPECT_EQ(Check(R"({"uniqueItems": true})", "[1, 2, 1]").detail,
            "elements at indexes #0 and #2 violate uniqueness constraint");
  EXPECT_EQ(Check(R"({"items": [{"type": "string"}, {"type": "integer"}],
                          "additionalItems": {"type": "boolean"}})",
                  R"(["a", 1, true, 5])")
                .detail,
            "/3: expected type boolean, got number");
  EXPECT_EQ(Check(R"({"minItems": 2})", "[1]").detail,
            "array should contain no fewer than 2 elements");
  EXPECT_EQ(
      Check(R"({"additionalProperties": false, "properties": {"a": {}}})", R"({"a": 1, "b": 2})")
          .detail,
      "object contains a property that could not be validated using 'properties' or "
      "'additionalProperties' constraints: 'b'");
  EXPECT_TRUE(
      Check(R"({"enum": [{"a": [1, 2.5, null, "x"]}]})", R"({"a": [1, 2.5, null, "x"]})").valid());
  EXPECT_EQ(Check(R"({"type": "integer"})", "2.0").detail, "expected type integer, got number");
  EXPECT_EQ(Check(R"({"maxLength": 3})", R"("abcd")").detail,
            "string should be no more than 3 characters in length");
  EXPECT_EQ(Check(R"({"anyOf": [{"type": "string"}, {"type": "null"}]})", "1").detail,
            "type number is not allowed here");
  EXPECT_EQ(Check(R"({"properties": {"a~b": {"properties": {"c/d": {"type": "null"}}}}})",
                  R"({"a~b": {"c/d": 0}})")
                .detail,
            "/a~0b/c~1d: expected type null, got number");
}

TEST(SimdjsonAdapterTest, LargeUnsignedIsANumberNotAWrappedInteger) {
  // valijson's nlohmann adapter reads 2^63 as int64, wrapping to a negative; here it is a
  // double.
  Result<CompiledSchema> compiled = CompiledSchema::Compile(json::parse(R"({"maximum": 10})"));
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ(compiled->ValidateText("9223372036854775808")->detail,
            "expected number less than or equal to 10.000000");
}

TEST(CompiledSchemaTest, RefusesWhatCannotWork) {
  std::string where;
  Result<CompiledSchema> not_object = CompiledSchema::Compile(json::parse("true"), &where);
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.status().message(), "a schema must be an object, not boolean");

  Result<CompiledSchema> remote =
      CompiledSchema::Compile(json::parse(R"({"allOf": [{"$ref": "other.json#/a"}]})"), &where);
  ASSERT_FALSE(remote.ok());
  EXPECT_THAT(remote.status().message(), HasSubstr("remote $ref 'other.json#/a'"));
  EXPECT_EQ(where, "/allOf/0/$ref");

  Result<CompiledSchema> pattern =
      CompiledSchema::Compile(json::parse(R"({"patternProperties": {"[a-": {}}})"), &where);
  ASSERT_FALSE(pattern.ok());
  EXPECT_THAT(pattern.status().message(), HasSubstr("bad pattern '[a-'"));
  EXPECT_EQ(where, "/patternProperties");

  pattern = CompiledSchema::Compile(json::parse(R"({"items": [{"pattern": "a{2,1}"}]})"), &where);
  ASSERT_FALSE(pattern.ok());
  EXPECT_THAT(pattern.status().message(), HasSubstr("bad pattern 'a{2,1}'"));
  EXPECT_EQ(where, "/items/0/pattern");

  // Data keywords hold values, not schemas: nothing in them is a reference or a pattern.
  EXPECT_TRUE(CompiledSchema::Compile(
                  json::parse(R"({"enum": [{"$ref": "http://x"}], "const": {"pattern": "("}})"))
                  .ok());

  Result<CompiledSchema> valijson_error =
      CompiledSchema::Compile(json::parse(R"({"properties": {"a": "string"}})"), &where);
  ASSERT_FALSE(valijson_error.ok());
  EXPECT_THAT(valijson_error.status().message(), HasSubstr("schema does not compile: "));
  EXPECT_EQ(where, "/properties/a");
}

// libstdc++'s regex parser overflowed a signed long on a backreference of 20 digits (undefined
// behaviour, found by the json_schema fuzzer); such numbers are refused before it reads them.
TEST(PatternMatchTest, NumbersPastNineDigitsAreRefusedBeforeStdRegexReadsThem) {
  const std::string too_many = "more than 9 digits";
  // Lookahead sends these to std::regex (RE2 reads "\\666" as an octal escape and has no "(?=").
  EXPECT_THAT(PatternError("(?=a)(a)\\66666666666666666666").value_or(""), HasSubstr(too_many));
  EXPECT_THAT(PatternError("(?=a)b{12345678901}").value_or(""), HasSubstr(too_many));
  EXPECT_THAT(PatternError("(?=a)b{1,12345678901}").value_or(""), HasSubstr(too_many));
  EXPECT_EQ(PatternError("(a)(?=b)\\1"), std::nullopt);  // std::regex takes it
  // Nine digits reach std::regex, which says what is wrong with them.
  EXPECT_THAT(PatternError("(?=a)\\123456789").value_or(""), Not(HasSubstr(too_many)));
  EXPECT_NE(PatternError("(?=a)\\123456789"), std::nullopt);
  EXPECT_EQ(PatternError("a\\{12345678901"), std::nullopt);  // an escaped brace: RE2's
  EXPECT_THAT(EcmaPatternError("\\12345678901234567890").value_or(""), HasSubstr(too_many));
  EXPECT_EQ(EcmaPatternError("^x-[0-9]{2}$"), std::nullopt);
  std::string where;
  Result<CompiledSchema> keys = CompiledSchema::Compile(
      json::parse(R"({"patternProperties": {"\\66666666666666666666": {}}})"), &where);
  ASSERT_FALSE(keys.ok());
  EXPECT_THAT(keys.status().message(), HasSubstr(too_many));
  EXPECT_EQ(where, "/patternProperties");
}

TEST(PatternMatchTest, CountsThatMultiplyPastTheBoundAreRefusedBeforeStdRegexCopiesThem) {
  // std::regex copies what a count repeats: [0-9]{222222224} took seconds and gigabytes to
  // compile (a json_schema fuzzer timeout). RE2 refuses counts past 1000; lookaround sends
  // these to std::regex.
  const std::string too_big = "repetition counts that multiply past 10000";
  EXPECT_THAT(PatternError("(?=O)[0-9]{222222224}").value_or(""), HasSubstr(too_big));
  EXPECT_THAT(PatternError("(?=a)(a{200}){200}").value_or(""), HasSubstr(too_big));
  EXPECT_THAT(PatternError("(?=a)((ab){30,}c){400}").value_or(""), HasSubstr(too_big));
  EXPECT_EQ(PatternError("(?=a)(a{90}){90}"), std::nullopt);  // 8,190 copies
  EXPECT_EQ(PatternError("(?=O)ORD-[0-9]{8}-[0-9]{6}"), std::nullopt);
  EXPECT_EQ(PatternError("(?=a)a\\{99999}"), std::nullopt);  // an escaped brace repeats nothing
  EXPECT_EQ(PatternError("(?=a)[{]{2}"), std::nullopt);
  // RE2 takes a count up to 1000 on its own; valijson compiles patternProperties keys with
  // std::regex, which the same bound guards.
  EXPECT_EQ(PatternError("^[0-9]{1000}$"), std::nullopt);
  EXPECT_THAT(EcmaPatternError("(x{1000}){1000}").value_or(""), HasSubstr(too_big));
  EXPECT_EQ(EcmaPatternError("^x-[0-9]{2,40}$"), std::nullopt);
}

TEST(PatternMatchTest, Re2FirstStdRegexForLookaround) {
  EXPECT_EQ(PatternError("^[a-z]+$"), std::nullopt);
  EXPECT_EQ(PatternError("^(?!x)"), std::nullopt);  // RE2 refuses, std::regex takes it
  EXPECT_EQ(PatternError("(a"), "Mismatched '(' and ')' in regular expression");
  EXPECT_TRUE(MatchesPattern("b+", "abba"));  // a search, not a full match
  EXPECT_FALSE(MatchesPattern("^b+$", "abba"));
  EXPECT_TRUE(MatchesPattern("^(?!x).$", "y"));
  EXPECT_FALSE(MatchesPattern("^(?!x).$", "x"));
  EXPECT_THROW(MatchesPattern("^(?!x)", std::string(kMaxEcmaInput + 1, 'a')), std::runtime_error);
}

TEST(CompiledSchemaTest, DeeperThanSimdjsonReadsIsAnError) {
  Result<CompiledSchema> compiled = CompiledSchema::Compile(json::object());
  ASSERT_TRUE(compiled.ok());
  std::string deep = std::string(2000, '[') + std::string(2000, ']');
  Result<SchemaVerdict> verdict = compiled->ValidateText(deep);
  ASSERT_FALSE(verdict.ok());
  EXPECT_THAT(verdict.status().message(), HasSubstr("cannot read the JSON: "));
}

TEST(CompiledSchemaTest, AnAbsentTextIsNotJsonNotACrash) {
  // A default string_view (data() == nullptr): simdjson copied from the null pointer (UBSan, a
  // fuzzer finding).
  Result<CompiledSchema> compiled = CompiledSchema::Compile(json::object());
  ASSERT_TRUE(compiled.ok());
  Result<SchemaVerdict> verdict = compiled->ValidateText(std::string_view());
  ASSERT_TRUE(verdict.ok());
  EXPECT_EQ(verdict->kind, SchemaVerdict::Kind::kNotJson);
}

TEST(CompiledSchemaTest, ANumberPastADoublesRangeIsNotJsonNotACrash) {
  // nlohmann throws out_of_range (not parse_error) on 1e999; uncaught, it ended the run (a
  // fuzzer finding). simdjson refuses such a number too: the output is not JSON we can read.
  Result<CompiledSchema> compiled = CompiledSchema::Compile(json::object());
  ASSERT_TRUE(compiled.ok());
  Result<SchemaVerdict> verdict = compiled->ValidateText("{\"a\": [1, 1e999]}", 4);
  ASSERT_TRUE(verdict.ok()) << verdict.status().message();
  EXPECT_EQ(verdict->kind, SchemaVerdict::Kind::kNotJson);
  EXPECT_EQ(verdict->detail, "number overflow parsing '1e999'; at offset 14");
}

TEST(CompiledSchemaTest, FormatAppliesToStringsOnly) {
  // valijson read any value as a string: 7 failed `date-time` and an object was an error row.
  Result<CompiledSchema> compiled = CompiledSchema::Compile(json::parse(R"({"format": "date"})"));
  ASSERT_TRUE(compiled.ok());
  EXPECT_TRUE(compiled->ValidateText(R"("2024-02-29")")->valid());
  EXPECT_EQ(compiled->ValidateText(R"("last week")")->detail, "string should be a valid date");
  EXPECT_TRUE(compiled->ValidateText(R"({"a": 1})")->valid());
  EXPECT_TRUE(compiled->ValidateText("7")->valid());

  Result<CompiledSchema> nested = CompiledSchema::Compile(json::parse(
      R"({"properties": {"at": {"format": "date-time", "allOf": [{"type": ["string", "integer"]}]}}})"));
  ASSERT_TRUE(nested.ok());
  EXPECT_TRUE(nested->ValidateText(R"({"at": 7})")->valid());
  EXPECT_TRUE(nested->ValidateText(R"({"at": "2026-12-05T08:00:00Z"})")->valid());
  Result<SchemaVerdict> bad = nested->ValidateText(R"({"at": "noon"})");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->detail, "/at: string should be a valid date-time");
  EXPECT_EQ(nested->ValidateText(R"({"at": 1.5})")->kind, SchemaVerdict::Kind::kInvalid);
}

}  // namespace
}  // namespace arbiter
