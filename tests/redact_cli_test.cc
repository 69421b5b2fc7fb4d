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
  EXPECT_THAT(result.err, HasSubstr("EMAIL 1, IBAN 0, CARD 1, IP 1, PHONE 0"));

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
}

}  // namespace
}  // namespace arbiter
