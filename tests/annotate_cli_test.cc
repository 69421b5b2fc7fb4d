// `arbiter annotate` with the real binary on loopback (issue 17): the token, CSRF and Origin
// refusals, the body limit, label checks, kill -9 then restart keeping every acknowledged label,
// a second server on the same label set refused naming the first, commit by API and by
// `arbiter labels commit`; and the label quality checks of `arbiter labels import`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/annotate_server_util.h"
#include "tests/cli_util.h"

namespace arbiter {
namespace {

using testing::AnnotateServer;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;
using Json = nlohmann::json;

constexpr char kSuite[] = "evaluators/suites/demo.yaml";

std::string Queue(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    Json trace = {{"trace_id", "t-" + std::to_string(i)},
                  {"input", "question " + std::to_string(i)},
                  {"output", i == 0 ? "<img src=x onerror=alert(1)></script>" : "an answer"}};
    text += trace.dump() + "\n";
  }
  return text;
}

struct Api {
  explicit Api(const AnnotateServer& server) : server(server), client("127.0.0.1", server.port()) {
    client.set_connection_timeout(5);
  }
  httplib::Headers Auth() const { return {{"Authorization", "Bearer " + server.token()}}; }
  httplib::Headers Write(const std::string& csrf) const {
    return {{"Authorization", "Bearer " + server.token()},
            {"X-CSRF-Token", csrf},
            {"Origin", server.base()}};
  }
  Json Get(const std::string& path) {
    auto res = client.Get(path.c_str(), Auth());
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, 200) << path << " " << res->body;
    return Json::parse(res->body, nullptr, false);
  }
  std::string Csrf() { return Get("/api/session")["csrf"]; }
  httplib::Result Post(const std::string& path, const Json& body, const std::string& csrf) {
    return client.Post(path.c_str(), Write(csrf), body.dump(), "application/json");
  }
  const AnnotateServer& server;
  httplib::Client client;
};

TEST(AnnotateCliTest, EveryRequestNeedsTheTokenAndWritesNeedCsrfAndOrigin) {
  TempDir dir;
  dir.Write("q.jsonl", Queue(5));
  const std::string d = dir.path().string();
  AnnotateServer server(dir.path(), {"--queue", d + "/q.jsonl", "--labels", "review", "--reviewer",
                                     "ana", "--suite", kSuite, "--root", d + "/labels"});
  ASSERT_TRUE(server.ok()) << server.err();
  EXPECT_THAT(server.url(), HasSubstr("http://127.0.0.1:"));
  Api api(server);
  httplib::Client& c = api.client;
  // No token, a wrong one, in either place: 401, for the page too.
  EXPECT_EQ(c.Get("/api/session")->status, 401);
  EXPECT_EQ(c.Get("/")->status, 401);
  EXPECT_EQ(c.Get("/api/session", {{"Authorization", "Bearer nope"}})->status, 401);
  EXPECT_EQ(c.Get(("/api/session?token=" + server.token() + "x").c_str())->status, 401);
  EXPECT_EQ(c.Get(("/api/session?token=" + server.token()).c_str())->status, 200);
  auto page = c.Get(("/?token=" + server.token()).c_str());
  ASSERT_EQ(page->status, 200);
  EXPECT_THAT(page->get_header_value("Content-Security-Policy"), HasSubstr("script-src 'nonce-"));
  EXPECT_EQ(page->body.find("innerHTML"), std::string::npos);

  Json session = api.Get("/api/session");
  EXPECT_EQ(session["reviewer"], "ana");
  EXPECT_EQ(session["queue"]["size"], 5);
  EXPECT_EQ(session["failure_modes"][0]["name"], "invented-citation");
  const std::string csrf = session["csrf"];
  const Json label = {
      {"trace_id", "t-1"}, {"failure_mode", "invented-citation"}, {"label", "fail"}};
  // Writes: the token alone is not enough; the CSRF token and this server's Origin are needed.
  auto no_csrf = c.Post("/api/labels", api.Auth(), label.dump(), "application/json");
  EXPECT_EQ(no_csrf->status, 403);
  EXPECT_THAT(no_csrf->body, HasSubstr("CSRF"));
  auto no_origin =
      c.Post("/api/labels", {{"Authorization", "Bearer " + server.token()}, {"X-CSRF-Token", csrf}},
             label.dump(), "application/json");
  EXPECT_EQ(no_origin->status, 403);
  auto evil = c.Post("/api/labels",
                     {{"Authorization", "Bearer " + server.token()},
                      {"X-CSRF-Token", csrf},
                      {"Origin", "http://evil.example"}},
                     label.dump(), "application/json");
  EXPECT_EQ(evil->status, 403);
  EXPECT_THAT(evil->body, HasSubstr("Origin"));
  auto unauthenticated = c.Post("/api/labels", {{"X-CSRF-Token", csrf}, {"Origin", server.base()}},
                                label.dump(), "application/json");
  EXPECT_EQ(unauthenticated->status, 401);
  EXPECT_EQ(api.Post("/api/labels", label, csrf)->status, 200);

  // What the session does not know is 400 with the reason; a body too big is 413.
  auto typo = api.Post(
      "/api/labels", {{"trace_id", "t-1"}, {"failure_mode", "invented-citaton"}, {"label", "fail"}},
      csrf);
  EXPECT_EQ(typo->status, 400);
  EXPECT_THAT(typo->body, HasSubstr("did you mean 'invented-citation'?"));
  auto unknown = api.Post(
      "/api/labels", {{"trace_id", "t-99"}, {"failure_mode", "refusal"}, {"label", "fail"}}, csrf);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_THAT(unknown->body, HasSubstr("'t-99' is not in the queue"));
  auto off_scale = api.Post("/api/labels",
                            {{"trace_id", "t-1"}, {"failure_mode", "refusal"}, {"label", 4}}, csrf);
  EXPECT_EQ(off_scale->status, 400);
  auto big = api.Post("/api/labels",
                      {{"trace_id", "t-1"},
                       {"failure_mode", "refusal"},
                       {"label", "fail"},
                       {"note", std::string(100000, 'x')}},
                      csrf);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(c.Post("/api/labels", api.Write(csrf), "{not json", "application/json")->status, 400);
  // No route reads a path from the client.
  EXPECT_EQ(c.Get(("/../../etc/passwd?token=" + server.token()).c_str())->status, 404);
  EXPECT_EQ(c.Get(("/api/traces/5?token=" + server.token()).c_str())->status, 404);
  EXPECT_EQ(c.Get(("/api/traces/x?token=" + server.token()).c_str())->status, 404);

  // The hostile trace comes back as JSON text; the page sets it with textContent.
  Json hostile = api.Get("/api/traces/0");
  EXPECT_EQ(hostile["trace"]["output"], "<img src=x onerror=alert(1)></script>");
  EXPECT_EQ(server.Kill(SIGTERM), 0);
}

TEST(AnnotateCliTest, CheckNamesBrokenLinesAndLeavesNoDraftBehind) {
  // --check made DIR/NAME/draft/{lock,journal.jsonl}, and a line that is not JSON read as
  // "no top-level string trace_id".
  TempDir dir;
  auto queue = dir.Write("q.jsonl", Queue(2) + "{broken\n{\"trace_id\": \"x\", \"messages\": 1}\n");
  const auto root = dir.path() / "labels";
  auto check = RunArbiter("annotate --check --queue " + queue.string() +
                          " --labels review --reviewer ana --root " + root.string());
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.err, HasSubstr(queue.string() + ":3: not valid JSON at column 2: "));
  EXPECT_THAT(check.err, HasSubstr(queue.string() + ":4: field 'messages' must be an array"));
  EXPECT_THAT(check.err, HasSubstr("2 traces from"));
  EXPECT_FALSE(std::filesystem::exists(root)) << "--check created the label set's draft";
}

TEST(AnnotateCliTest, SignalsListTheQueueIndexesOfEachTriageSignal) {
  // A real triage queue: the filter the page offers is each signal with the traces carrying it.
  TempDir dir;
  const std::string d = dir.path().string();
  auto triage =
      RunArbiter("triage --traces datasets/demo/traces.jsonl --top 40 --out " + d + "/q.jsonl");
  ASSERT_EQ(triage.exit_code, 0) << triage.err;
  std::map<std::string, std::vector<size_t>> expected;
  std::istringstream lines(ReadFile(dir.path() / "q.jsonl"));
  std::string line;
  for (size_t i = 0; std::getline(lines, line); ++i) {
    const Json trace = Json::parse(line);  // named: a range-for over a temporary's member dangles
    for (const Json& reason : trace["_triage"]["reasons"]) {
      std::vector<size_t>& indexes = expected[reason["signal"].get<std::string>()];
      if (indexes.empty() || indexes.back() != i) indexes.push_back(i);
    }
  }
  ASSERT_GE(expected.size(), 3u);
  AnnotateServer server(dir.path(), {"--queue", d + "/q.jsonl", "--labels", "review", "--reviewer",
                                     "ana", "--root", d + "/labels"});
  ASSERT_TRUE(server.ok()) << server.err();
  Api api(server);
  EXPECT_EQ(api.client.Get("/api/signals")->status, 401);
  Json signals = api.Get("/api/signals")["signals"];
  ASSERT_EQ(signals.size(), expected.size()) << signals.dump();
  for (const Json& signal : signals) {
    EXPECT_EQ(signal["indexes"].get<std::vector<size_t>>(), expected[signal["signal"]])
        << signal["signal"];
  }

  // A queue without triage reasons has no signal to filter by.
  dir.Write("raw.jsonl", Queue(3));
  AnnotateServer raw(dir.path(), {"--queue", d + "/raw.jsonl", "--labels", "raw", "--reviewer",
                                  "ana", "--root", d + "/labels"});
  ASSERT_TRUE(raw.ok()) << raw.err();
  EXPECT_TRUE(Api(raw).Get("/api/signals")["signals"].empty());
}

TEST(AnnotateCliTest, KillNineLosesNoAcknowledgedLabelAndASecondServerIsRefused) {
  TempDir dir;
  dir.Write("q.jsonl", Queue(40));
  const std::string d = dir.path().string();
  const std::vector<std::string> args = {"--queue",    d + "/q.jsonl", "--labels", "review",
                                         "--reviewer", "ana",          "--suite",  kSuite,
                                         "--root",     d + "/labels"};
  std::vector<Json> acknowledged;
  {
    AnnotateServer server(dir.path(), args);
    ASSERT_TRUE(server.ok()) << server.err();
    // A second server on the same label set refuses to start, naming the first one's pid.
    AnnotateServer second(dir.path(), args);
    EXPECT_FALSE(second.ok());
    EXPECT_EQ(second.exit_code(), 2);
    EXPECT_THAT(second.err(), HasSubstr("pid " + std::to_string(server.pid())));

    Api api(server);
    const std::string csrf = api.Csrf();
    for (int i = 0; i < 30; ++i) {
      Json label = {{"trace_id", "t-" + std::to_string(i)},
                    {"failure_mode", i % 2 ? "refusal" : "invented-citation"},
                    {"label", i % 3 ? "pass" : "fail"},
                    {"note", "note " + std::to_string(i)}};
      auto res = api.Post("/api/labels", label, csrf);
      ASSERT_TRUE(res);
      ASSERT_EQ(res->status, 200) << res->body;
      acknowledged.push_back(label);
    }
    // ben labels t-0 too; he sees ana's label once he has labeled it, not before.
    Api ben_api(server);
    EXPECT_TRUE(ben_api.Get("/api/traces/0?reviewer=ben")["others"].empty());
    ASSERT_EQ(
        ben_api
            .Post("/api/labels?reviewer=ben",
                  {{"trace_id", "t-0"}, {"failure_mode", "invented-citation"}, {"label", "pass"}},
                  csrf)
            ->status,
        200);
    EXPECT_EQ(ben_api.Get("/api/traces/0?reviewer=ben")["others"].size(), 1u);
    EXPECT_EQ(server.Kill(SIGKILL), -SIGKILL);
  }
  AnnotateServer again(dir.path(), args);
  ASSERT_TRUE(again.ok()) << again.err();
  Api api(again);
  Json labels = api.Get("/api/labels")["labels"];
  ASSERT_EQ(labels.size(), acknowledged.size());
  for (const Json& want : acknowledged) {
    bool found = false;
    for (const Json& got : labels) {
      found |= got["trace_id"] == want["trace_id"] && got["failure_mode"] == want["failure_mode"] &&
               got["label"] == want["label"] && got["note"] == want["note"];
    }
    EXPECT_TRUE(found) << want.dump();
  }
  Json progress = api.Get("/api/progress");
  EXPECT_EQ(progress["labeled"], 30);
  EXPECT_EQ(progress["next"], 30);  // where ana stopped
  ASSERT_EQ(progress["agreement"].size(), 1u);
  EXPECT_EQ(progress["agreement"][0]["shared_traces"], 1);
  ASSERT_EQ(progress["disagreements"].size(), 1u);  // ana fail, ben pass on t-0

  // Commit from the API: the next version, verified; the draft empty; a second commit nothing.
  const std::string csrf = api.Csrf();
  auto made = api.Post("/api/commit", Json::object(), csrf);
  ASSERT_EQ(made->status, 200) << made->body;
  Json commit = Json::parse(made->body);
  EXPECT_EQ(commit["created"], "review@v1");
  EXPECT_EQ(commit["manifest"]["labels"], 31);
  EXPECT_EQ(ReadFile(dir.path() / "labels/review/draft/journal.jsonl"), "");
  auto nothing = api.Post("/api/commit", Json::object(), csrf);
  EXPECT_EQ(Json::parse(nothing->body)["created"], nullptr);
  // While the server holds the label set, `labels commit` is refused naming it.
  auto refused = RunArbiter("labels commit review --root " + d + "/labels");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("pid " + std::to_string(again.pid())));
  // One more label, a withdrawal (undo), then stop and commit from the command line.
  ASSERT_EQ(api.Post("/api/labels",
                     {{"trace_id", "t-35"}, {"failure_mode", "refusal"}, {"label", "fail"}}, csrf)
                ->status,
            200);
  ASSERT_EQ(api.Post("/api/labels",
                     {{"trace_id", "t-1"}, {"failure_mode", "refusal"}, {"label", nullptr}}, csrf)
                ->status,
            200);
  EXPECT_EQ(again.Kill(SIGTERM), 0);
  auto committed = RunArbiter("labels commit review --root " + d + "/labels");
  ASSERT_EQ(committed.exit_code, 0) << committed.err;
  EXPECT_THAT(committed.out, HasSubstr("review@v2: 31 labels (parent v1)"));
  auto verified = RunArbiter("labels verify review --root " + d + "/labels");
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
  EXPECT_THAT(verified.out, HasSubstr("ok       review@v2"));
  auto again_commit = RunArbiter("labels commit review --root " + d + "/labels");
  EXPECT_EQ(again_commit.exit_code, 0);
  EXPECT_THAT(again_commit.out, HasSubstr("nothing to commit"));
}

TEST(AnnotateCliTest, LabelsImportChecksFailureModesTraceIdsAndSkipsIdenticalImports) {
  TempDir dir;
  const std::string d = dir.path().string();
  dir.Write("traces.jsonl", Queue(3));
  // A byte-order mark (Excel) and a typo'd failure mode on line 3.
  dir.Write("typo.csv",
            "\xEF\xBB\xBFtrace_id,failure_mode,label\n"
            "t-0,invented-citation,fail\n"
            "t-1,invented-citaton,pass\n");
  const std::string import = "labels import --name s --reviewer ana --root " + d + "/labels ";
  auto typo = RunArbiter(import + "--from " + d + "/typo.csv --suite " + kSuite);
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.err, HasSubstr("typo.csv:3: failure mode 'invented-citaton'"));
  EXPECT_THAT(typo.err, HasSubstr("--allow-new-failure-mode"));
  auto allowed = RunArbiter(import + "--from " + d + "/typo.csv --suite " + kSuite +
                            " --allow-new-failure-mode");
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_THAT(allowed.out, HasSubstr("s@v1: 2 labels"));
  // Now in the label set, the mode is known.
  dir.Write("again.csv",
            "trace_id,failure_mode,label\nt-0,invented-citation,fail\nt-1,invented-citaton,pass\n");
  auto same = RunArbiter(import + "--from " + d + "/again.csv --suite " + kSuite);
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_THAT(same.out, HasSubstr("no new version"));
  EXPECT_THAT(same.out, HasSubstr("s@v1"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "labels/s/v2"));
  dir.Write("unknown.csv", "trace_id,failure_mode,label\nt-0,refusal,fail\nt-7,refusal,pass\n");
  auto unknown =
      RunArbiter(import + "--from " + d + "/unknown.csv --traces " + d + "/traces.jsonl");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown.csv:3: trace id 't-7' is not in the traces"));
  auto help = RunArbiter("labels import --help");
  EXPECT_THAT(help.out, HasSubstr("failure_mode  the failure mode judged"));
  EXPECT_THAT(help.out, HasSubstr("t-000001,invented-citation,fail,ana"));
}

}  // namespace
}  // namespace arbiter
