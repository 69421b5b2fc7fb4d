// `arbiter triage` end to end with the real binary: the bundled demo traces (JSONL and OTLP),
// standard input, redaction on by default, policies and usage errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

constexpr char kDemoTraces[] = "datasets/demo/traces.jsonl";     // 1000 traces
constexpr char kDemoOtlp[] = "datasets/demo/traces.otlp.jsonl";  // the same, as OTLP

using Json = nlohmann::ordered_json;  // keeps the field order, to see where `_triage` goes

std::vector<Json> ReadQueue(const std::filesystem::path& path) {
  std::vector<Json> rows;
  std::istringstream lines(ReadFile(path));
  for (std::string line; std::getline(lines, line);) rows.push_back(Json::parse(line));
  return rows;
}

TEST(TriageCliTest, QueuesTheDemoRankedWithOneTracePerSession) {
  TempDir dir;
  auto out = dir.path() / "queue.jsonl";
  auto result =
      RunArbiter(std::string("triage --traces ") + kDemoTraces + " --top 50 --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("1000 traces read, 0 skipped, 50 queued"));
  EXPECT_THAT(result.err, HasSubstr("negative_feedback "));
  EXPECT_THAT(result.err, HasSubstr("redacted: SECRET"));

  std::vector<Json> queue = ReadQueue(out);
  ASSERT_EQ(queue.size(), 50u);
  std::set<std::string> sessions, signals;
  double previous = 1e9;
  for (size_t i = 0; i < queue.size(); ++i) {
    const Json& triage = queue[i].at("_triage");
    EXPECT_EQ(triage.at("rank"), i + 1);
    double score = triage.at("score");
    EXPECT_LE(score, previous);
    EXPECT_GT(score, 0);
    previous = score;
    EXPECT_TRUE(sessions.insert(queue[i].at("session_id")).second) << queue[i]["trace_id"];
    ASSERT_FALSE(triage.at("reasons").empty());
    for (const auto& reason : triage.at("reasons")) {
      signals.insert(reason.at("signal"));
      EXPECT_FALSE(reason.at("detail").get<std::string>().empty());
    }
    // The trace keeps its fields.
    EXPECT_TRUE(queue[i].contains("messages"));
    EXPECT_EQ(queue[i].back(), triage);  // `_triage` comes last
  }
  // The demo injects thumbs down, refusals, tool failures, long answers and repeated requests.
  for (const char* signal :
       {"negative_feedback", "refusal", "tool_errors", "token_spike", "resubmission"}) {
    EXPECT_TRUE(signals.count(signal)) << signal;
  }
  // The same inputs give the same bytes.
  auto again = RunArbiter(std::string("triage --traces ") + kDemoTraces + " --top 50 --out " +
                          (dir.path() / "again.jsonl").string());
  EXPECT_EQ(ReadFile(dir.path() / "again.jsonl"), ReadFile(out));
}

TEST(TriageCliTest, OtlpTracesQueueLikeTheirJsonl) {
  TempDir dir;
  auto jsonl = dir.path() / "jsonl.jsonl", otlp = dir.path() / "otlp.jsonl";
  ASSERT_EQ(RunArbiter(std::string("triage --traces ") + kDemoTraces + " --top 40 --out " +
                       jsonl.string())
                .exit_code,
            0);
  auto result =
      RunArbiter(std::string("triage --traces ") + kDemoOtlp + " --top 40 --out " + otlp.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::vector<Json> a = ReadQueue(jsonl), b = ReadQueue(otlp);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]["trace_id"], b[i]["trace_id"]);
    EXPECT_EQ(a[i]["_triage"], b[i]["_triage"]);
  }
}

TEST(TriageCliTest, ReadsStandardInput) {
  TempDir dir;
  auto from_file = dir.path() / "file.jsonl", from_stdin = dir.path() / "stdin.jsonl";
  ASSERT_EQ(RunArbiter(std::string("triage --traces ") + kDemoTraces + " --top 30 --out " +
                       from_file.string())
                .exit_code,
            0);
  auto result =
      RunArbiter("triage --traces - --top 30 --out " + from_stdin.string() + " < " + kDemoTraces);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("1000 traces read"));
  EXPECT_EQ(ReadFile(from_stdin), ReadFile(from_file));
  // OTLP on standard input too: assembled records are spooled, not the raw lines.
  auto otlp = RunArbiter("triage --traces - --top 30 --out " +
                         (dir.path() / "otlp.jsonl").string() + " < " + kDemoOtlp);
  ASSERT_EQ(otlp.exit_code, 0) << otlp.err;
  EXPECT_EQ(ReadQueue(dir.path() / "otlp.jsonl").size(), 30u);
}

TEST(TriageCliTest, StreamingGroupStatsQueueTheDemoAsExactOnes) {
  // Every demo group is under the sketch's capacity: `serve`'s streaming medians are exact there.
  TempDir dir;
  auto exact = dir.path() / "exact.jsonl", streaming = dir.path() / "streaming.jsonl";
  auto triage = [](const std::string& flags, const std::filesystem::path& out) {
    return RunArbiter("triage " + flags + " --traces " + kDemoTraces + " --top 50 --out " +
                      out.string());
  };
  ASSERT_EQ(triage("", exact).exit_code, 0);
  auto result = triage("--group-stats streaming", streaming);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(ReadFile(streaming), ReadFile(exact));
  result = triage("--group-stats median", streaming);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--group-stats"));
}

TEST(TriageCliTest, RedactsByDefault) {
  TempDir dir;
  auto traces = dir.Write("t.jsonl", R"({"trace_id":"a","input":"mail me at jane.doe@example.com",)"
                                     R"("feedback":{"thumbs":"down","comment":"no"}})"
                                     "\n");
  auto redacted = dir.path() / "r.jsonl", raw = dir.path() / "raw.jsonl";
  auto result =
      RunArbiter("triage --traces " + traces.string() + " --top 5 --out " + redacted.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("EMAIL 1"));
  EXPECT_THAT(ReadFile(redacted), HasSubstr("mail me at <EMAIL>"));
  EXPECT_THAT(ReadFile(redacted), Not(HasSubstr("jane.doe")));
  result = RunArbiter("triage --no-redact --traces " + traces.string() + " --top 5 --out " +
                      raw.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("not redacted"));
  EXPECT_THAT(ReadFile(raw), HasSubstr("jane.doe@example.com"));
}

TEST(TriageCliTest, PolicyRedactionPatternsApplyToTheQueue) {
  TempDir dir;
  auto traces = dir.Write("t.jsonl", R"({"trace_id":"a","input":"where is ORD-12345678?",)"
                                     R"("feedback":{"thumbs":"down","comment":"ORD-87654321"}})"
                                     "\n");
  auto policy = dir.Write("p.yaml", "redact:\n  patterns: {ORDER_ID: 'ORD-[0-9]{8}'}\n");
  auto out = dir.path() / "q.jsonl";
  auto result = RunArbiter("triage --policy " + policy.string() + " --traces " + traces.string() +
                           " --top 5 --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(ReadFile(out), HasSubstr("where is <ORDER_ID>?"));
  EXPECT_THAT(ReadFile(out), Not(HasSubstr("ORD-")));
  EXPECT_THAT(result.err, HasSubstr("ORDER_ID "));
  // A pattern that does not compile stops before any trace is read, for sample too.
  auto bad = dir.Write("bad.yaml", "targets: {default: 3}\nredact:\n  patterns: {X: 'a(b'}\n");
  result = RunArbiter("triage --policy " + bad.string() + " --traces " + traces.string() +
                      " --top 5 --out " + (dir.path() / "x.jsonl").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(bad.string() + ":3:"));
  result = RunArbiter("sample --policy " + bad.string() + " --traces " + traces.string() +
                      " --out " + (dir.path() / "x.jsonl").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(bad.string() + ":3:"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "x.jsonl"));
}

TEST(TriageCliTest, AMisspelledPolicyKeyIsRefusedByEveryCommandThatReadsThePolicy) {
  // `redcat:` for `redact:` was ignored by triage, redact and annotate: the queue kept the order
  // numbers unredacted, and nothing said why.
  TempDir dir;
  auto traces = dir.Write("t.jsonl", R"({"trace_id":"a","input":"where is ORD-12345678?"})"
                                     "\n");
  auto policy = dir.Write("p.yaml",
                          "targets: {default: 3}\nredcat:\n  patterns: {ORDER_ID: "
                          "'ORD-[0-9]{8}'}\n");
  auto out = (dir.path() / "out.jsonl").string();
  const std::string with = " --policy " + policy.string() + " --traces " + traces.string();
  for (const std::string& command :
       {"triage --top 5 --out " + out + with, "redact --out " + out + with,
        "sample --out " + out + with,
        "annotate --check --queue " + traces.string() + " --policy " + policy.string() +
            " --labels x --reviewer r --root " + (dir.path() / "labels").string()}) {
    auto result = RunArbiter(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_THAT(result.err, HasSubstr(policy.string() + ":2:1: unknown key 'redcat'")) << command;
  }
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(TriageCliTest, BrokenLinesAreReportedAndSkipped) {
  TempDir dir;
  auto traces = dir.Write("t.jsonl", "{\"trace_id\":\"a\",\"status\":\"blocked\"}\n[1]\n{oops\n");
  auto out = dir.path() / "q.jsonl";
  auto result = RunArbiter("triage --traces " + traces.string() + " --top 5 --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err,
              HasSubstr(traces.string() + ":2: a trace must be a JSON object; skipped"));
  EXPECT_THAT(result.err, HasSubstr(traces.string() + ":3: not valid JSON"));
  EXPECT_THAT(result.err, HasSubstr("1 traces read, 2 skipped, 1 queued"));
  EXPECT_THAT(ReadFile(out), HasSubstr("\"signal\":\"guardrail\""));
}

TEST(TriageCliTest, PolicyAndUsageErrors) {
  TempDir dir;
  auto policy =
      dir.Write("p.yaml", "targets: {default: 3}\ntriage:\n  per_session: 0\n  spike_z: 1e9\n");
  auto out = dir.path() / "q.jsonl";
  auto result = RunArbiter("triage --policy " + policy.string() + " --traces " + kDemoTraces +
                           " --top 1000 --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("token_spike 0/0"));
  size_t queued = ReadQueue(out).size();
  // --per-session overrides the policy.
  result = RunArbiter("triage --policy " + policy.string() + " --per-session 1 --traces " +
                      kDemoTraces + " --top 1000 --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_LT(ReadQueue(out).size(), queued);

  auto bad = dir.Write("bad.yaml", "triage:\n  per_sesion: 2\n");
  result = RunArbiter("triage --policy " + bad.string() + " --traces " + kDemoTraces +
                      " --top 5 --out " + (dir.path() / "x.jsonl").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(bad.string() + ":2:3: unknown key 'per_sesion'"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "x.jsonl"));
  result = RunArbiter("triage --traces " + (dir.path() / "none.jsonl").string() +
                      " --top 5 --out " + (dir.path() / "x.jsonl").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(
      RunArbiter(std::string("triage --traces ") + kDemoTraces + " --top 0 --out x").exit_code, 2);
  EXPECT_EQ(RunArbiter(std::string("triage --traces ") + kDemoTraces + " --out x").exit_code, 2);
  auto help = RunArbiter("triage --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--per-session"));
  EXPECT_THAT(help.out, HasSubstr("--no-redact"));
  EXPECT_THAT(RunArbiter("--help").out, HasSubstr("triage"));
}

}  // namespace
}  // namespace arbiter
