// `arbiter redact` end to end: the real binary on a file with PII and a broken line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

TEST(RedactCliTest, RedactsEveryTraceReportsBrokenLinesAndCounts) {
  TempDir dir;
  auto in = dir.Write(
      "in.jsonl",
      R"({"trace_id":"t-1","messages":[{"role":"user","content":"mail ana@example.com, card 4111 1111 1111 1111"}]})"
      "\n"
      "{not json\n"
      R"({"trace_id":"t-2","tool_calls":[{"name":"f","arguments":{"ip":"10.0.0.7","order":"1234567812345678"}}]})"
      "\n");
  auto out = dir.path() / "out.jsonl";
  auto result = RunArbiter("redact --traces " + in.string() + " --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr(in.string() + ":2:"));
  EXPECT_THAT(result.err, HasSubstr("2 traces written"));
  EXPECT_THAT(result.err, HasSubstr("1 skipped"));
  EXPECT_THAT(result.err,
              HasSubstr("SECRET 0, EMAIL 1, IBAN 0, NATIONAL_ID 0, CARD 1, IP 1, PHONE 0"));

  std::string text = ReadFile(out);
  EXPECT_THAT(text, Not(HasSubstr("ana@example.com")));
  EXPECT_THAT(text, Not(HasSubstr("10.0.0.7")));
  size_t newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos);
  auto first = nlohmann::json::parse(text.substr(0, newline));
  EXPECT_EQ(first["messages"][0]["content"], "mail <EMAIL>, card <CARD>");
  auto second = nlohmann::json::parse(text.substr(newline + 1));
  EXPECT_EQ(second["tool_calls"][0]["arguments"]["ip"], "<IP>");
  EXPECT_EQ(second["tool_calls"][0]["arguments"]["order"], "1234567812345678");
}

TEST(RedactCliTest, DeeplyNestedLineIsSkippedLikeRunSkipsIt) {
  // 100,000 nested arrays once overflowed redact's stack (SIGSEGV); `run`, `sample` and
  // `triage` skip such a line with simdjson's depth error, and so does redact now.
  TempDir dir;
  std::string deep =
      R"({"trace_id":"t-1","x":)" + std::string(100000, '[') + std::string(100000, ']') + "}\n";
  auto in = dir.Write("in.jsonl", deep + R"({"trace_id":"t-2","output":"ok"})" + "\n");
  auto out = dir.path() / "out.jsonl";
  auto result = RunArbiter("redact --traces " + in.string() + " --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr(in.string() +
                                    ":1: not valid JSON: The JSON document was too deep (too many "
                                    "nested objects and arrays); skipped"));
  EXPECT_EQ(ReadFile(out), R"({"trace_id":"t-2","output":"ok"})"
                           "\n");

  // 1,000 levels is within the limit and kept as it is.
  std::string nested = std::string(1000, '[') + std::string(1000, ']');
  auto within = dir.Write("within.jsonl", R"({"trace_id":"t-3","x":)" + nested + "}\n");
  auto kept = RunArbiter("redact --traces " + within.string() + " --out " + out.string());
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_EQ(ReadFile(out), R"({"trace_id":"t-3","x":)" + nested + "}\n");
}

TEST(RedactCliTest, ABrokenLineIsNamedWithTheColumnAndTheReason) {
  // It said only "not valid JSON".
  TempDir dir;
  auto in =
      dir.Write("in.jsonl", "{\"trace_id\": \"b\", broken}\n{\"trace_id\": \"c\", \"x\": 1e999}\n" +
                                std::string(R"({"trace_id":"t-2","output":"ok"})") + "\n");
  auto out = dir.path() / "out.jsonl";
  auto result = RunArbiter("redact --traces " + in.string() + " --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err,
              HasSubstr(in.string() + ":1: not valid JSON at column 19: syntax error while parsing "
                                      "object key - invalid literal"));
  EXPECT_THAT(
      result.err,
      HasSubstr(in.string() + ":2: not valid JSON: number overflow parsing '1e999'; skipped"));
  EXPECT_EQ(ReadFile(out), R"({"trace_id":"t-2","output":"ok"})"
                           "\n");
}

TEST(RedactCliTest, AKnownFieldNamedTwiceIsRefusedLikeRunRefusesIt) {
  // `run` read the first trace_id, `redact` wrote the last, so redacted files stopped joining
  // with labels. Both now refuse the line; a repeated unknown field is kept as it is.
  TempDir dir;
  auto in = dir.Write("in.jsonl",
                      "{\"trace_id\":\"t-1\",\"output\":\"a\",\"trace_id\":\"t-9\"}\n"
                      "{\"trace_id\":\"t-2\",\"output\":\"a\",\"output\":\"b\"}\n"
                      "{\"trace_id\":\"t-3\",\"x\":1,\"x\":2}\n");
  auto out = dir.path() / "out.jsonl";
  auto redact = RunArbiter("redact --traces " + in.string() + " --out " + out.string());
  ASSERT_EQ(redact.exit_code, 0) << redact.err;
  EXPECT_THAT(redact.err,
              HasSubstr(in.string() + ":1: field 'trace_id' appears more than once; skipped"));
  EXPECT_THAT(redact.err,
              HasSubstr(in.string() + ":2: field 'output' appears more than once; skipped"));
  EXPECT_EQ(ReadFile(out), "{\"trace_id\":\"t-3\",\"x\":2}\n");

  dir.Write("e.yaml", "id: short\nversion: 1\nplugin: length\nparams: {max_chars: 100}\n");
  auto suite = dir.Write("suite.yaml", "name: s\nevaluators: [e.yaml]\n");
  auto run_out = dir.path() / "run";
  auto run = RunArbiter("run --suite " + suite.string() + " --traces " + in.string() + " --out " +
                        run_out.string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr(in.string() + ":1: field 'trace_id' appears more than once"));
  EXPECT_THAT(run.err, HasSubstr(in.string() + ":2: field 'output' appears more than once"));
  std::string scores = ReadFile(run_out / "scores.jsonl");
  EXPECT_THAT(scores, HasSubstr("\"trace_id\": \"t-3\""));
  EXPECT_THAT(scores, Not(HasSubstr("\"trace_id\": \"t-1\"")));
}

TEST(RedactCliTest, ReadsStandardInputAndRejectsMissingFiles) {
  TempDir dir;
  auto in = dir.Write("in.jsonl", R"({"trace_id":"t","output":"key AKIAIOSFODNN7EXAMPLE"})"
                                  "\n");
  auto out = dir.path() / "out.jsonl";
  auto piped = RunArbiter("redact --traces - --out " + out.string() + " <" + in.string());
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_THAT(ReadFile(out), HasSubstr(R"("output":"key <SECRET>")"));

  auto missing = RunArbiter("redact --traces " + (dir.path() / "nope.jsonl").string() + " --out " +
                            (dir.path() / "x.jsonl").string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("no such trace file"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "x.jsonl"));

  auto help = RunArbiter("redact --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("Usage: arbiter redact"));
  EXPECT_THAT(help.out, HasSubstr("--policy"));
  EXPECT_THAT(help.out, HasSubstr("NATIONAL_ID"));
  EXPECT_THAT(help.out, HasSubstr("Exit codes:"));
}

TEST(RedactCliTest, PolicyPatternsAddTypesCountedInTheSummary) {
  TempDir dir;
  auto policy =
      dir.Write("policy.yaml",
                "strata: [metadata.intent]\n"
                "redact:\n  patterns: {ORDER_ID: 'ORD-[0-9]{8}', EMPLOYEE: 'EMP[0-9]{6}'}\n");
  auto in = dir.Write(
      "in.jsonl",
      R"({"trace_id":"t-1","input":"ORD-12345678 by EMP123456","messages":[{"role":"user","content":"SSN 536-22-8726"}]})"
      "\n"
      R"({"trace_id":"t-2","tool_calls":[{"name":"f","arguments":{"k":"VBtlJrJCHiPzczWHDcCa64KCktsYKqr3","o":"ORD-87654321"}}],"retrieved_documents":[{"content":"DNI 12345678Z"}]})"
      "\n");
  auto out = dir.path() / "out.jsonl";
  auto result = RunArbiter("redact --policy " + policy.string() + " --traces " + in.string() +
                           " --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("SECRET 1, EMAIL 0, IBAN 0, NATIONAL_ID 2, CARD 0, IP 0, "
                                    "PHONE 0, ORDER_ID 2, EMPLOYEE 1"));
  std::string text = ReadFile(out);
  size_t newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos);
  auto first = nlohmann::json::parse(text.substr(0, newline));
  EXPECT_EQ(first["input"], "<ORDER_ID> by <EMPLOYEE>");
  EXPECT_EQ(first["messages"][0]["content"], "SSN <NATIONAL_ID>");
  auto second = nlohmann::json::parse(text.substr(newline + 1));
  EXPECT_EQ(second["tool_calls"][0]["arguments"]["k"], "<SECRET>");
  EXPECT_EQ(second["tool_calls"][0]["arguments"]["o"], "<ORDER_ID>");
  EXPECT_EQ(second["retrieved_documents"][0]["content"], "DNI <NATIONAL_ID>");

  // A policy without a redact key: the built-in types alone.
  auto bare = dir.Write("bare.yaml", "strata: [metadata.intent]\n");
  auto builtin = RunArbiter("redact --policy " + bare.string() + " --traces " + in.string() +
                            " --out " + out.string());
  ASSERT_EQ(builtin.exit_code, 0) << builtin.err;
  EXPECT_THAT(builtin.err, HasSubstr("NATIONAL_ID 2, CARD 0, IP 0, PHONE 0\n"));
  EXPECT_THAT(ReadFile(out), HasSubstr("ORD-12345678"));
}

TEST(RedactCliTest, BadPolicyPatternIsAUsageErrorBeforeAnyTraceIsRead) {
  TempDir dir;
  auto policy = dir.Write("policy.yaml", "redact:\n  patterns:\n    ORDER_ID: 'ORD-[0-9'\n");
  auto out = dir.path() / "out.jsonl";
  // The trace file does not exist: the policy is what gets reported, so it was checked first.
  auto result = RunArbiter("redact --policy " + policy.string() + " --traces " +
                           (dir.path() / "nope.jsonl").string() + " --out " + out.string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(policy.string() + ":3:15: redact.patterns.ORDER_ID: bad regex "
                                                      "'ORD-[0-9': missing ]"));
  EXPECT_THAT(result.err, Not(HasSubstr("no such trace file")));
  EXPECT_FALSE(std::filesystem::exists(out));

  auto missing = RunArbiter("redact --policy " + (dir.path() / "none.yaml").string() +
                            " --traces - --out " + out.string() + " </dev/null");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("none.yaml: cannot read file"));
}

}  // namespace
}  // namespace arbiter
