// A policy's `redact:` section and the custom types it adds: reading and its errors with
// file:line:column, the Redactor factory, counts per custom type, and every type found in every
// text field of a trace.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include "runner/redact/options.h"
#include "runner/redact/redactor.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Result<RedactOptions> Read(const std::string& yaml) {
  YAML::Node root = YAML::Load(yaml);
  const YAML::Node& node = root;
  return ReadRedactOptions(node["redact"], "policy.yaml");
}

Redactor MakeRedactor(const std::string& yaml) {
  Result<RedactOptions> options = Read(yaml);
  EXPECT_TRUE(options.ok()) << options.status().message();
  Result<Redactor> redactor = Redactor::Create(options.ok() ? *options : RedactOptions{});
  EXPECT_TRUE(redactor.ok()) << redactor.status().message();
  return std::move(redactor).value();
}

TEST(RedactOptionsTest, ReadsPatternsInFileOrder) {
  Result<RedactOptions> options =
      Read("redact:\n  patterns: {ORDER_ID: 'ORD-[0-9]{8}', EMPLOYEE: 'EMP[0-9]{6}'}\n");
  ASSERT_TRUE(options.ok()) << options.status().message();
  ASSERT_EQ(options->patterns.size(), 2u);
  EXPECT_EQ(options->patterns[0].name, "ORDER_ID");
  EXPECT_EQ(options->patterns[0].pattern, "ORD-[0-9]{8}");
  EXPECT_EQ(options->patterns[1].name, "EMPLOYEE");
}

TEST(RedactOptionsTest, NoSectionOrAnEmptyOneMeansBuiltinsOnly) {
  for (const char* yaml : {"strata: [metadata.intent]\n", "redact:\n", "redact: {patterns: {}}\n",
                           "redact: {patterns: }\n"}) {
    Result<RedactOptions> options = Read(yaml);
    ASSERT_TRUE(options.ok()) << yaml << options.status().message();
    EXPECT_TRUE(options->patterns.empty()) << yaml;
  }
}

TEST(RedactOptionsTest, ErrorsNameFileLineColumnAndReason) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  for (const Case& c : {
           Case{"redact:\n  patterns:\n    ORDER_ID: 'ORD-[0-9'\n",
                "policy.yaml:3:15: redact.patterns.ORDER_ID: bad regex 'ORD-[0-9': missing ]"},
           Case{"redact:\n  patterns: {BAD: '(?P<x'}\n",
                "policy.yaml:2:19: redact.patterns.BAD: bad regex"},
           Case{"redact:\n  patterns:\n    order_id: 'x'\n",
                "policy.yaml:3:5: redact.patterns.order_id: a type name must match"},
           Case{"redact:\n  patterns:\n    EMAIL: 'x@y'\n",
                "policy.yaml:3:5: redact.patterns.EMAIL: 'EMAIL' is a built-in type"},
           Case{"redact:\n  patterns:\n    A: 'x'\n    A: 'y'\n",
                "policy.yaml:4:5: redact.patterns.A: defined twice"},
           Case{"redact:\n  patterns:\n    ANY: 'x*'\n",
                "policy.yaml:3:10: redact.patterns.ANY: "
                "the regex 'x*' matches the empty text"},
           Case{"redact:\n  patterns:\n    LIST: [a, b]\n",
                "policy.yaml:3:11: redact.patterns.LIST: the pattern must be a string"},
           Case{"redact:\n  patterns: [ORD]\n",
                "policy.yaml:2:13: redact.patterns must be a mapping"},
           Case{"redact:\n  pattern: {A: x}\n", "policy.yaml:2:3: unknown key 'pattern'"},
           Case{"redact: yes\n", "policy.yaml:1:9: redact must be a mapping"},
       }) {
    Result<RedactOptions> options = Read(c.yaml);
    ASSERT_FALSE(options.ok()) << c.yaml;
    EXPECT_EQ(options.status().code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(options.status().message(), HasSubstr(c.message)) << c.yaml;
  }
}

TEST(RedactOptionsTest, LoadReadsOnlyTheRedactKeyOfAPolicyFile) {
  testing::TempDir dir;
  auto policy = dir.Write("policy.yaml",
                          "strata: [metadata.intent]\ntargets: {default: 5}\n"
                          "redact:\n  patterns: {TICKET: 'TCK-[0-9]+'}\n");
  Result<RedactOptions> options = LoadRedactOptions(policy);
  ASSERT_TRUE(options.ok()) << options.status().message();
  ASSERT_EQ(options->patterns.size(), 1u);
  EXPECT_EQ(options->patterns[0].name, "TICKET");

  auto bare = dir.Write("bare.yaml", "strata: [metadata.intent]\n");
  Result<RedactOptions> none = LoadRedactOptions(bare);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_TRUE(none->patterns.empty());

  Result<RedactOptions> missing = LoadRedactOptions(dir.path() / "nope.yaml");
  EXPECT_FALSE(missing.ok());
  auto broken = dir.Write("broken.yaml", "redact: {patterns: {A: 'x'}\n");
  Result<RedactOptions> syntax = LoadRedactOptions(broken);
  ASSERT_FALSE(syntax.ok());
  EXPECT_THAT(syntax.status().message(), HasSubstr(broken.string() + ":"));
}

TEST(RedactorFactoryTest, RejectsWhatTheReaderRejects) {
  Result<Redactor> bad_regex = Redactor::Create({{{"ORDER_ID", "ORD-("}}});
  ASSERT_FALSE(bad_regex.ok());
  EXPECT_THAT(bad_regex.status().message(), HasSubstr("redact pattern ORDER_ID: bad regex"));
  EXPECT_FALSE(Redactor::Create({{{"1ABC", "x"}}}).ok());
  EXPECT_FALSE(Redactor::Create({{{"CARD", "x"}}}).ok());
  EXPECT_FALSE(Redactor::Create({{{"A", "x"}, {"A", "y"}}}).ok());
  EXPECT_FALSE(Redactor::Create({{{"EMPTY", "(?:)"}}}).ok());
}

TEST(RedactorFactoryTest, CustomTypesAreRedactedCountedAndListed) {
  Redactor redactor = MakeRedactor(
      "redact:\n  patterns: {ORDER_ID: 'ORD-[0-9]{8}', EMPLOYEE: '\\bEMP[0-9]{6}\\b'}\n");
  EXPECT_THAT(redactor.TypeNames(), ElementsAre("SECRET", "EMAIL", "IBAN", "NATIONAL_ID", "CARD",
                                                "IP", "PHONE", "ORDER_ID", "EMPLOYEE"));
  RedactionCounts counts;
  EXPECT_EQ(redactor.Redact("ORD-12345678 and ORD-87654321 for EMP123456 (not EMP1234567)", counts),
            "<ORDER_ID> and <ORDER_ID> for <EMPLOYEE> (not EMP1234567)");
  EXPECT_EQ(counts.Of("ORDER_ID"), 2u);
  EXPECT_EQ(counts.Of("EMPLOYEE"), 1u);
  EXPECT_EQ(counts.Of("EMAIL"), 0u);
  EXPECT_EQ(counts.Of("UNKNOWN"), 0u);
  EXPECT_EQ(FormatRedactionCounts(redactor, counts),
            "SECRET 0, EMAIL 0, IBAN 0, NATIONAL_ID 0, CARD 0, IP 0, PHONE 0, ORDER_ID 2, "
            "EMPLOYEE 1");

  RedactionCounts total;
  total.Add(counts);
  total.Add(counts);
  EXPECT_EQ(total.Of("ORDER_ID"), 4u);
}

TEST(RedactorFactoryTest, CustomPatternsRunBeforeTheBuiltins) {
  // Without the policy this order number is a North American phone number.
  Redactor redactor = MakeRedactor("redact:\n  patterns: {ORDER_ID: 'ORD 415-555-[0-9]{4}'}\n");
  RedactionCounts counts;
  EXPECT_EQ(redactor.Redact("ORD 415-555-2671", counts), "<ORDER_ID>");
  EXPECT_EQ(counts[PiiType::kPhone], 0u);
  EXPECT_EQ(Redactor().Redact("ORD 415-555-2671", counts), "ORD <PHONE>");
}

TEST(RedactorFactoryTest, CaseInsensitiveOnlyWhenThePatternSaysSo) {
  Redactor redactor = MakeRedactor("redact:\n  patterns: {A: 'ord-[0-9]+', B: '(?i)tck-[0-9]+'}\n");
  RedactionCounts counts;
  EXPECT_EQ(redactor.Redact("ORD-1 ord-2 TCK-3", counts), "ORD-1 <A> <B>");
}

TEST(RedactorFactoryTest, EveryTypeInMessagesToolArgumentsAndDocuments) {
  Redactor redactor = MakeRedactor("redact:\n  patterns: {ORDER_ID: 'ORD-[0-9]{8}'}\n");
  auto trace = nlohmann::ordered_json::parse(R"({
    "trace_id": "t-1",
    "input": "my order ORD-12345678",
    "messages": [{"role": "user", "content": "SSN 536-22-8726, NI AB 12 34 56 C"},
                 {"role": "assistant", "content": "noted, DNI 12345678Z"}],
    "tool_calls": [{"name": "lookup", "arguments": {"q": {"ids": ["RSSMRA85T10A562S"]},
                    "auth": "VBtlJrJCHiPzczWHDcCa64KCktsYKqr3"},
                    "result": "order 1234567812345678 for BSN 111222333"}],
    "retrieved_documents": [{"id": "doc1", "content": "commit 11f6ad8ec52a2984abaafd7c3b516503785c2072",
                             "metadata": {"notes": [["X1234567L lives here"]]}}]})");
  RedactionCounts counts;
  redactor.RedactJson(trace, counts);
  EXPECT_EQ(trace["input"], "my order <ORDER_ID>");
  EXPECT_EQ(trace["messages"][0]["content"], "SSN <NATIONAL_ID>, NI <NATIONAL_ID>");
  EXPECT_EQ(trace["messages"][1]["content"], "noted, DNI <NATIONAL_ID>");
  EXPECT_EQ(trace["tool_calls"][0]["arguments"]["q"]["ids"][0], "<NATIONAL_ID>");
  EXPECT_EQ(trace["tool_calls"][0]["arguments"]["auth"], "<SECRET>");
  // The 16-digit order number fails Luhn and stays.
  EXPECT_EQ(trace["tool_calls"][0]["result"], "order 1234567812345678 for BSN <NATIONAL_ID>");
  EXPECT_EQ(trace["retrieved_documents"][0]["content"],
            "commit 11f6ad8ec52a2984abaafd7c3b516503785c2072");
  EXPECT_EQ(trace["retrieved_documents"][0]["metadata"]["notes"][0][0], "<NATIONAL_ID> lives here");
  EXPECT_EQ(trace["retrieved_documents"][0]["id"], "doc1");
  EXPECT_EQ(counts[PiiType::kNationalId], 6u);
  EXPECT_EQ(counts[PiiType::kSecret], 1u);
  EXPECT_EQ(counts[PiiType::kCard], 0u);
  EXPECT_EQ(counts.Of("ORDER_ID"), 1u);
}

}  // namespace
}  // namespace arbiter
