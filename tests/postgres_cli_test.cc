// Issue 18: the calibration history and the judge's response cache in a real PostgreSQL, started
// by the fixture on a Unix socket (tests/postgres_server.h): recorded and read back through the
// real binary, the cache shared by concurrent shards and later runs, several writers at once, the
// schema version table, and the password never printed.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runner/base/postgres.h"
#include "tests/cli_util.h"
#include "tests/judge_server/judge_server.h"
#include "tests/postgres_server.h"

namespace arbiter::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr char kCalibrate[] =
    "calibrate --suite evaluators/suites/demo.yaml --traces datasets/demo/traces.jsonl "
    "--labels support-seed@v1 ";
constexpr char kPassword[] = "pg-s3cret-7d1e";

std::string Quoted(const std::string& text) { return "'" + text + "'"; }

// Runs `arbiter ARGS` once per element of `args`, all at the same time.
std::vector<CommandResult> RunAtOnce(const std::vector<std::string>& args) {
  std::vector<CommandResult> results(args.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < args.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = RunArbiter(args[i]); });
  }
  for (std::thread& thread : threads) thread.join();
  return results;
}

// One value of a query on `url`.
std::string QueryOne(const std::string& url, const std::string& sql) {
  auto db = PgConnection::Connect(url);
  if (!db.ok()) return "connect: " + db.status().ToString();
  auto rows = (*db)->Exec(sql);
  if (!rows.ok()) return "query: " + rows.status().ToString();
  return rows->size() == 1 ? rows->Text(0, 0) : "rows: " + std::to_string(rows->size());
}

class PostgresCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new PostgresServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_->missing()) GTEST_SKIP() << server_->error();
    ASSERT_TRUE(server_->ok()) << server_->error();
  }

  // A fresh database named after the test.
  static std::string NewDatabase() {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string url = server_->CreateDatabase(name);
    EXPECT_FALSE(url.empty()) << "createdb " << name;
    return url;
  }
  CommandResult Calibrate(const std::string& out, const std::string& history) {
    return RunArbiter(kCalibrate + std::string("--out ") + (dir_.path() / out).string() +
                      " --history " + Quoted(history));
  }
  json CalibrationJson(const std::string& out) {
    return json::parse(ReadFile(dir_.path() / out / "calibration.json"));
  }

  static PostgresServer* server_;
  TempDir dir_;
};

PostgresServer* PostgresCliTest::server_ = nullptr;

TEST_F(PostgresCliTest, HistoryIsRecordedAndReadBackThroughTheBinary) {
  std::string url = NewDatabase();
  auto before = RunArbiter("history --history " + Quoted(url));  // reading creates nothing
  EXPECT_EQ(before.exit_code, 2);
  EXPECT_THAT(before.err, HasSubstr("no history store (run arbiter calibrate first)"));
  EXPECT_EQ(QueryOne(url, "SELECT to_regclass('calibrations') IS NULL"), "t");

  auto calibrate = Calibrate("calibration", url);
  ASSERT_EQ(calibrate.exit_code, 0) << calibrate.err;
  json calibration = CalibrationJson("calibration");
  ASSERT_GE(calibration["evaluators"].size(), 5u);

  // ARBITER_HISTORY stands for --history.
  setenv("ARBITER_HISTORY", url.c_str(), 1);
  auto history = RunArbiter("history --json");
  unsetenv("ARBITER_HISTORY");
  ASSERT_EQ(history.exit_code, 0) << history.err;
  json read = json::parse(history.out);
  EXPECT_EQ(read["history"], url);  // no password in it: shown as given
  ASSERT_EQ(read["evaluators"].size(), calibration["evaluators"].size());
  for (const json& written : calibration["evaluators"]) {
    auto found = std::find_if(read["evaluators"].begin(), read["evaluators"].end(),
                              [&](const json& e) { return e["id"] == written["id"]; });
    ASSERT_NE(found, read["evaluators"].end()) << written["id"];
    ASSERT_EQ((*found)["calibrations"].size(), 1u);
    const json& record = (*found)["calibrations"][0];
    EXPECT_EQ(record["role"], written["role"]) << written["id"];
    EXPECT_EQ(record["mcc"], written["mcc"]) << written["id"];
    EXPECT_EQ(record["labels"], written["labels"]) << written["id"];
    EXPECT_EQ(record["label_set_sha256"], calibration["label_set_sha256"]);
  }
  auto table = RunArbiter("history --history " + Quoted(url));
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("support-seed@v1"));
}

TEST_F(PostgresCliTest, TheGateTakesItsRolesFromPostgres) {
  std::string url = NewDatabase();
  std::string d = dir_.path().string();
  ASSERT_EQ(Calibrate("calibration", url).exit_code, 0);
  for (auto [traces, out] : {std::pair{"datasets/demo/traces.jsonl", "/baseline"},
                             std::pair{"datasets/seed/candidate-swap.jsonl.gz", "/swap"}}) {
    auto run = RunArbiter(std::string("run --quiet --suite evaluators/suites/demo.yaml --traces ") +
                          traces + " --out " + d + out);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  auto gate = RunArbiter("gate --suite evaluators/suites/demo.yaml --baseline " + d +
                         "/baseline --candidate " + d + "/swap --out " + d + "/gate --history " +
                         Quoted(url));
  EXPECT_EQ(gate.exit_code, 1) << gate.err;  // the seed scenario's model swap is blocked
  json report = json::parse(ReadFile(dir_.path() / "gate" / "gate.json"));
  EXPECT_EQ(report["decision"], "blocked");
  EXPECT_THAT(report["blocking"], ::testing::Contains("citation-grounded"));
}

TEST_F(PostgresCliTest, ConcurrentCalibrationsCreateTheSchemaOnceAndLoseNoRecord) {
  std::string url = NewDatabase();
  std::vector<std::string> commands;
  commands.reserve(4);
  for (int i = 0; i < 4; ++i) {
    commands.push_back(kCalibrate + std::string("--out ") +
                       (dir_.path() / ("c" + std::to_string(i))).string() + " --history " +
                       Quoted(url));
  }
  for (const CommandResult& result : RunAtOnce(commands)) {
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  size_t evaluators = CalibrationJson("c0")["evaluators"].size();
  EXPECT_EQ(QueryOne(url, "SELECT version FROM arbiter_schema_version WHERE component = 'history'"),
            "1");
  EXPECT_EQ(QueryOne(url, "SELECT count(*) FROM calibrations"), std::to_string(4 * evaluators));
  auto history = RunArbiter("history --json --history " + Quoted(url));
  ASSERT_EQ(history.exit_code, 0) << history.err;
  // Named: a range-for over a member of a temporary would read freed memory (before C++23).
  json listed = json::parse(history.out);
  for (const json& evaluator : listed["evaluators"]) {
    EXPECT_EQ(evaluator["calibrations"].size(), 4u) << evaluator["id"];
  }
}

TEST_F(PostgresCliTest, ASchemaNewerThanThisArbiterIsRefused) {
  std::string url = NewDatabase();
  ASSERT_EQ(Calibrate("first", url).exit_code, 0);
  std::string before = QueryOne(url, "SELECT count(*) FROM calibrations");
  EXPECT_EQ(QueryOne(url,
                     "UPDATE arbiter_schema_version SET version = 2 WHERE component = 'history' "
                     "RETURNING version"),
            "2");
  auto refused = Calibrate("second", url);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("history tables are at schema version 2; this arbiter "
                                     "knows up to 1 (upgrade arbiter)"));
  EXPECT_EQ(QueryOne(url, "SELECT count(*) FROM calibrations"), before);
  auto read = RunArbiter("history --history " + Quoted(url));  // nor read as if it were v1
  EXPECT_NE(read.exit_code, 0);
  EXPECT_THAT(read.err, HasSubstr("schema version 2"));
}

class PostgresJudgeCacheTest : public PostgresCliTest {
 protected:
  void SetUp() override {
    PostgresCliTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(judge_.ok());
    setenv("JUDGE_BASE_URL", judge_.openai_base_url().c_str(), 1);
    setenv("OPENAI_API_KEY", "sk-postgres-test", 1);
    std::ifstream in("datasets/demo/traces.jsonl");
    std::string line, text;
    for (int i = 0; i < 30 && std::getline(in, line); ++i) text += line + "\n";
    traces_ = dir_.Write("traces.jsonl", text).string();
  }
  void TearDown() override {
    unsetenv("JUDGE_BASE_URL");
    unsetenv("OPENAI_API_KEY");
  }
  std::string RunArgs(const std::string& out, const std::string& extra) {
    return "run --quiet --suite evaluators/suites/judge.yaml --traces " + traces_ + " --out " +
           (dir_.path() / out).string() + " " + extra;
  }
  // The judge evaluators' usage in run `out`'s scorecard.
  std::vector<json> JudgeUsage(const std::string& out) {
    std::vector<json> usage;
    json card = json::parse(ReadFile(dir_.path() / out / "scorecard.json"));
    for (const json& evaluator : card["evaluators"]) {
      if (evaluator.contains("usage")) usage.push_back(evaluator["usage"]);
    }
    return usage;
  }

  JudgeServer judge_;
  std::string traces_;
};

TEST_F(PostgresJudgeCacheTest, ShardsShareTheCacheAndALaterRunMakesNoCall) {
  std::string url = NewDatabase();
  for (const CommandResult& shard :
       RunAtOnce({RunArgs("s0", "--shard 0/2 --cache " + Quoted(url)),
                  RunArgs("s1", "--shard 1/2 --cache " + Quoted(url))})) {
    ASSERT_EQ(shard.exit_code, 0) << shard.err;
  }
  int64_t requests = judge_.requests();
  ASSERT_GT(requests, 0);
  EXPECT_EQ(QueryOne(url, "SELECT count(*) FROM judge_responses"), std::to_string(requests));

  setenv("ARBITER_CACHE", url.c_str(), 1);  // ARBITER_CACHE stands for --cache
  auto full = RunArbiter(RunArgs("full", ""));
  unsetenv("ARBITER_CACHE");
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_EQ(judge_.requests(), requests) << "every judgment came from the shards' cache";
  std::vector<json> usage = JudgeUsage("full");
  ASSERT_FALSE(usage.empty());
  for (const json& figures : usage) {
    EXPECT_EQ(figures["calls"], 0);
    EXPECT_GT(figures["cache_hits"].get<int>(), 0);
  }
}

TEST_F(PostgresJudgeCacheTest, ConcurrentRunsPuttingTheSameKeysBothSucceed) {
  std::string url = NewDatabase();
  auto runs =
      RunAtOnce({RunArgs("a", "--cache " + Quoted(url)), RunArgs("b", "--cache " + Quoted(url))});
  for (const CommandResult& run : runs) ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ReadFile(dir_.path() / "a" / "scores.jsonl"),
            ReadFile(dir_.path() / "b" / "scores.jsonl"));
  int64_t requests = judge_.requests();
  auto again = RunArbiter(RunArgs("c", "--cache " + Quoted(url)));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(judge_.requests(), requests);
  EXPECT_EQ(QueryOne(url,
                     "SELECT version FROM arbiter_schema_version "
                     "WHERE component = 'judge_cache'"),
            "1");
}

TEST_F(PostgresJudgeCacheTest, ThePasswordIsNeverPrinted) {
  ASSERT_FALSE(server_->CreateDatabase("secrets").empty());
  // Trust authentication ignores the password, so the URL with one connects.
  std::string with_password = server_->Url("secrets", "postgres", kPassword);
  std::vector<CommandResult> outputs = {
      Calibrate("calibration", with_password),
      RunArbiter("history --history " + Quoted(with_password)),
      RunArbiter("history --json --history " + Quoted(with_password)),
      RunArbiter(RunArgs("run", "--cache " + Quoted(with_password))),
  };
  for (const CommandResult& output : outputs) {
    EXPECT_EQ(output.exit_code, 0) << output.err;
    EXPECT_THAT(output.out + output.err, Not(HasSubstr(kPassword)));
  }
  EXPECT_THAT(outputs[2].out, HasSubstr("postgres:***@/secrets"));
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (entry.is_regular_file()) {
      EXPECT_THAT(ReadFile(entry.path()), Not(HasSubstr(kPassword))) << entry.path();
    }
  }

  // Errors name the database without the password, libpq's own text included (it quotes a
  // malformed password back).
  std::vector<CommandResult> errors = {
      RunArbiter("history --history " + Quoted(server_->Url("missing", "postgres", kPassword))),
      RunArbiter("history --history " +
                 Quoted(server_->Url("missing", "postgres", std::string(kPassword) + "%zz"))),
      RunArbiter(
          RunArgs("bad", "--cache " + Quoted(server_->Url("missing", "postgres", kPassword)))),
  };
  for (const CommandResult& error : errors) {
    EXPECT_NE(error.exit_code, 0);
    EXPECT_THAT(error.err, HasSubstr("postgres:***@/missing"));
    EXPECT_THAT(error.out + error.err, Not(HasSubstr(kPassword)));
  }
  EXPECT_THAT(errors[0].err, HasSubstr("database \"missing\" does not exist"));
  EXPECT_THAT(errors[1].err, HasSubstr("invalid percent-encoded token: \"***\""));
}

}  // namespace
}  // namespace arbiter::testing
