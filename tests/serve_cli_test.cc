// `arbiter serve` end to end: the real binary on a free port, OTLP/HTTP requests in protobuf,
// JSON and gzip, the error answers, SIGTERM's partial window and a kill -9 that loses nothing
// acknowledged. The traces it writes equal what the file reader makes of the same spans.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include <future>

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "runner/source/otlp/document.h"
#include "runner/source/otlp/proto.h"
#include "runner/source/otlp/time.h"
#include "runner/source/trace_source.h"
#include "tests/browser_util.h"
#include "tests/cli_util.h"
#include "tests/gzip_util.h"
#include "tests/judge_server/judge_server.h"

extern char** environ;

namespace arbiter {
namespace {

namespace fs = std::filesystem;
using testing::ArbiterBin;
using testing::Gzip;
using testing::ReadFile;
using testing::TempDir;

std::string Fixture(const std::string& name) { return ReadFile("tests/fixtures/otlp/" + name); }

std::string ProtoBody(const std::string& json_text) {
  simdjson::dom::parser parser;
  std::vector<OtlpSpan> spans;
  std::vector<std::string> problems;
  ReadOtlpDocument(parser.parse(json_text), spans, problems);
  OtlpExportRequest request;
  WriteOtlpProto(spans, request);
  return request.SerializeAsString();
}

// One `arbiter serve` process on a free port, its stderr in a file.
class Server {
 public:
  Server(const fs::path& out, const fs::path& log, const std::vector<std::string>& extra = {})
      : log_(log) {
    std::vector<std::string> args = {ArbiterBin(), "serve",  "--out", out.string(), "--port",
                                     "0",          "--grpc", "0",     "--max-body", "200000"};
    args.insert(args.end(), extra.begin(), extra.end());
    // A trace completes at shutdown unless a test asks for a quiet period.
    if (std::find(extra.begin(), extra.end(), "--quiet-period") == extra.end()) {
      args.insert(args.end(), {"--quiet-period", "1h"});
    }
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    // A restart appends to the same log: read only what this process wrote.
    size_t earlier = fs::exists(log) ? fs::file_size(log) : 0;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    // The ports are printed once both servers listen; up to 30 s on a loaded machine.
    for (int i = 0; i < 300 && port_ == 0; ++i) {
      std::string text = ReadFile(log.string()).substr(earlier);
      size_t at = text.rfind("http://127.0.0.1:");
      size_t grpc = text.rfind("OTLP/gRPC on 127.0.0.1:");
      if (at != std::string::npos) port_ = std::atoi(text.c_str() + at + 17);
      if (grpc != std::string::npos) grpc_port_ = std::atoi(text.c_str() + grpc + 23);
      if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_GT(port_, 0) << ReadFile(log.string());
    EXPECT_GT(grpc_port_, 0) << ReadFile(log.string());
  }
  int port() const { return port_; }
  int grpc_port() const { return grpc_port_; }
  ~Server() {
    if (pid_ > 0) Signal(SIGKILL);
  }
  httplib::Result Post(const std::string& body, const std::string& type, bool gzip = false) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30, 0);
    httplib::Headers headers;
    if (gzip) headers.emplace("Content-Encoding", "gzip");
    return client.Post("/v1/traces", headers, gzip ? Gzip(body) : body, type);
  }
  httplib::Result Get(const std::string& path) {
    httplib::Client client("127.0.0.1", port_);
    return client.Get(path);
  }
  // Sends `signal` and returns the exit code (-1 when killed).
  int Signal(int signal) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  fs::path log_;
  pid_t pid_ = -1;
  int port_ = 0;
  int grpc_port_ = 0;
};

std::vector<std::string> Lines(const fs::path& folder, const std::string& suffix) {
  std::vector<std::string> lines;
  if (!fs::exists(folder)) return lines;
  for (const auto& entry : fs::directory_iterator(folder)) {
    std::string name = entry.path().string();
    if (!name.ends_with(suffix) || name.ends_with(".plan.json") ||
        name.ends_with(".partial.jsonl")) {
      continue;
    }
    std::istringstream in(ReadFile(name));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  return lines;
}

nlohmann::json PlanOf(const fs::path& samples) {
  if (!fs::exists(samples)) return nullptr;
  for (const auto& entry : fs::directory_iterator(samples)) {
    if (entry.path().string().ends_with(".plan.json")) {
      return nlohmann::json::parse(ReadFile(entry.path().string()));
    }
  }
  return nullptr;
}

// What `arbiter run` reads from the two split fixtures written to one OTLP/JSON file, by
// trace id.
std::map<std::string, nlohmann::json> FileReaderTraces(const TempDir& dir) {
  fs::path file = dir.Write("split.otlp.jsonl",
                            Fixture("split_1.json") + "\n" + Fixture("split_2.json") + "\n");
  auto source = OpenTraceSource(file.string(), SourceOptions());
  EXPECT_TRUE(source.ok());
  TraceRecord record;
  std::map<std::string, nlohmann::json> traces;
  while ((*source)->Next(record)) {
    EXPECT_EQ(record.error, "");
    nlohmann::json trace = nlohmann::json::parse(record.json);
    traces[trace["trace_id"].get<std::string>()] = trace;
  }
  EXPECT_EQ(traces.size(), 2u);
  return traces;
}

nlohmann::json WithoutSample(const std::string& line) {
  nlohmann::json trace = nlohmann::json::parse(line);
  trace.erase("_sample");
  return trace;
}

TEST(ServeCliTest, ABodyWithInvalidUtf8IsRefusedWithItsReasonAndNoLineInTheLog) {
  TempDir dir;
  Server server(dir.path() / "out", dir.path() / "serve.log");
  // resourceSpans[0].resource.attributes[0].key is the byte 0xff: proto3 strings are UTF-8.
  const std::string body("\x0a\x07\x0a\x05\x0a\x03\x0a\x01\xff", 9);
  for (int i = 0; i < 3; ++i) {
    auto reply = server.Post(body, "application/x-protobuf");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 400);
    EXPECT_NE(reply->body.find("KeyValue.key' contains invalid UTF-8"), std::string::npos)
        << reply->body;
  }
  // The same message over OTLP/gRPC: gRPC parses it itself and answers INTERNAL.
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.grpc_port()),
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Slice slice(body);
    grpc::ByteBuffer request(&slice, 1), response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, "/opentelemetry.proto.collector.trace.v1.TraceService/Export", {},
                   &request, &response, [&](grpc::Status status) { done.set_value(status); });
    grpc::Status status = done.get_future().get();
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  EXPECT_EQ(server.Signal(SIGTERM), 0);
  // protobuf logged a line per bad request to stderr, which a client could fill without bound.
  std::string log = ReadFile((dir.path() / "serve.log").string());
  EXPECT_EQ(log.find("libprotobuf"), std::string::npos) << log;
  EXPECT_NE(log.find("arbiter serve: stopped"), std::string::npos) << log;
}

TEST(ServeCliTest, ProtobufJsonAndGzipRequestsMakeTheTraceTheFileReaderMakes) {
  TempDir dir;
  fs::path out = dir.path() / "out";
  Server server(out, dir.path() / "serve.log");
  ASSERT_EQ(server.Get("/healthz")->status, 200);

  auto first = server.Post(ProtoBody(Fixture("split_1.json")), "application/x-protobuf");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse reply;
  ASSERT_TRUE(reply.ParseFromString(first->body));
  EXPECT_FALSE(reply.has_partial_success());
  auto second = server.Post(Fixture("split_2.json"), "application/json", /*gzip=*/true);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "{}");

  // Errors: not protobuf (400), not JSON (400), over --max-body (413), another type (415).
  EXPECT_EQ(server.Post("\x0a\xff\xff\xff\x0f junk", "application/x-protobuf")->status, 400);
  auto bad_json = server.Post("{not json", "application/json");
  EXPECT_EQ(bad_json->status, 400);
  EXPECT_NE(bad_json->body.find("not JSON"), std::string::npos);
  EXPECT_EQ(server.Post(std::string(300000, ' '), "application/json")->status, 413);
  // Small on the wire, too large once decompressed.
  EXPECT_EQ(server.Post(std::string(300000, ' '), "application/json", true)->status, 413);
  EXPECT_EQ(server.Post("x", "text/plain")->status, 415);
  // A span without valid ids is rejected in partial_success, the rest accepted.
  std::string partial = Fixture("openinference.json");
  partial.replace(partial.find("\"traceId\":\""), 11, "\"traceId\":\"zz");
  auto rejected = server.Post(partial, "application/json");
  EXPECT_EQ(rejected->status, 200);
  EXPECT_NE(rejected->body.find("\"rejectedSpans\":\"1\""), std::string::npos) << rejected->body;
  EXPECT_NE(rejected->body.find("traceId"), std::string::npos) << rejected->body;

  std::string metrics = server.Get("/metrics")->body;
  EXPECT_NE(metrics.find("arbiter_serve_requests_total{outcome=\"malformed\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("arbiter_serve_inflight_traces 3"), std::string::npos) << metrics;

  EXPECT_EQ(server.Signal(SIGTERM), 0) << ReadFile((dir.path() / "serve.log").string());
  std::vector<std::string> sampled = Lines(out / "samples", ".jsonl");
  ASSERT_EQ(sampled.size(), 3u);  // the split fixtures' two traces, the openinference one
  std::map<std::string, nlohmann::json> expected = FileReaderTraces(dir);
  int matched = 0;
  for (const std::string& line : sampled) {
    nlohmann::json trace = WithoutSample(line);
    auto found = expected.find(trace["trace_id"].get<std::string>());
    if (found == expected.end()) continue;
    EXPECT_EQ(trace, found->second);
    ++matched;
  }
  EXPECT_EQ(matched, 2);
  nlohmann::json plan = PlanOf(out / "samples");
  EXPECT_EQ(plan["partial"], true);
  EXPECT_EQ(plan["traces"], 3);
  EXPECT_TRUE(fs::exists(out / "triage"));
}

TEST(ServeCliTest, KillNineThenRestartKeepsEveryAcknowledgedSpan) {
  TempDir dir;
  fs::path out = dir.path() / "out";
  {
    Server server(out, dir.path() / "serve.log");
    ASSERT_EQ(server.Post(ProtoBody(Fixture("split_1.json")), "application/x-protobuf")->status,
              200);
    ASSERT_EQ(server.Post(ProtoBody(Fixture("split_2.json")), "application/x-protobuf")->status,
              200);
    EXPECT_EQ(server.Signal(SIGKILL), -1);
  }
  EXPECT_TRUE(Lines(out / "samples", ".jsonl").empty());
  Server restarted(out, dir.path() / "serve.log");
  std::string metrics = restarted.Get("/metrics")->body;
  std::string replayed = "\narbiter_serve_spans_replayed_total ";  // the sample, not # HELP
  size_t at = metrics.find(replayed);
  ASSERT_NE(at, std::string::npos);
  EXPECT_GT(std::atoi(metrics.c_str() + at + replayed.size()), 0) << metrics;
  EXPECT_EQ(restarted.Signal(SIGTERM), 0);
  std::vector<std::string> sampled = Lines(out / "samples", ".jsonl");
  std::map<std::string, nlohmann::json> expected = FileReaderTraces(dir);
  ASSERT_EQ(sampled.size(), expected.size());
  for (const std::string& line : sampled) {
    nlohmann::json trace = WithoutSample(line);
    EXPECT_EQ(trace, expected[trace["trace_id"].get<std::string>()]);
  }
  // The window is written: the journal owes nothing.
  uint64_t journal = 0;
  for (const auto& entry : fs::directory_iterator(out / "journal")) {
    journal += fs::file_size(entry.path());
  }
  EXPECT_EQ(journal, 0u);
}

TEST(ServeCliTest, ATraceCompletesAndItsWindowClosesOnItsOwn) {
  TempDir dir;
  fs::path out = dir.path() / "out";
  Server server(out, dir.path() / "serve.log",
                {"--quiet-period", "200ms", "--window", "2s", "--late-window", "500ms"});
  ASSERT_EQ(server.Post(ProtoBody(Fixture("openinference.json")), "application/x-protobuf")->status,
            200);
  // Completed after 200 ms, written 500 ms after its 2 s window ends: poll up to 30 s for the
  // plan, which is written last.
  for (int i = 0; i < 300 && PlanOf(out / "samples").is_null(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(Lines(out / "samples", ".jsonl").size(), 1u);
  EXPECT_EQ(PlanOf(out / "samples")["partial"], false);
  EXPECT_EQ(server.Signal(SIGTERM), 0);
}

// The root of trace 8f1e... (split_2.json) arrives after the trace completed without it (the
// late window's rootless wait) and was spooled: it amends the trace, whose window (written a late
// window after its end) holds the trace the file reader makes of both fixtures, counted once.
// Whether the server's /metrics come to hold `line` within 30 s (the metrics when not).
::testing::AssertionResult MetricsReach(Server& server, const std::string& line) {
  std::string metrics;
  for (int i = 0; i < 300; ++i) {
    metrics = server.Get("/metrics")->body;
    if (metrics.find(line) != std::string::npos) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return ::testing::AssertionFailure() << metrics;
}

TEST(ServeCliTest, ASpanWithinTheLateWindowAmendsItsTrace) {
  TempDir dir;
  fs::path out = dir.path() / "out";
  Server server(out, dir.path() / "serve.log",
                {"--quiet-period", "100ms", "--late-window", "1s", "--window", "1h"});
  ASSERT_EQ(server.Post(Fixture("split_1.json"), "application/json")->status, 200);
  // Both traces complete (8f1e... without its root after the 1 s rootless wait) and are spooled.
  ASSERT_TRUE(MetricsReach(server, "arbiter_serve_traces_assembled_total 2"));
  auto late = server.Post(Fixture("split_2.json"), "application/json");
  ASSERT_EQ(late->status, 200);
  EXPECT_EQ(late->body, "{}");  // accepted, nothing rejected
  EXPECT_EQ(server.Signal(SIGTERM), 0) << ReadFile((dir.path() / "serve.log").string());

  std::vector<std::string> sampled = Lines(out / "samples", ".jsonl");
  ASSERT_EQ(sampled.size(), 2u);
  std::map<std::string, nlohmann::json> expected = FileReaderTraces(dir);
  for (const std::string& line : sampled) {
    nlohmann::json trace = WithoutSample(line);
    EXPECT_EQ(trace, expected[trace["trace_id"].get<std::string>()]);
  }
  EXPECT_EQ(PlanOf(out / "samples")["traces"], 2);
  EXPECT_NE(ReadFile((dir.path() / "serve.log").string()).find("2 traces (1 amended)"),
            std::string::npos);
}

TEST(ServeCliTest, ASpanAfterTheLateWindowIsRefusedAsLate) {
  TempDir dir;
  fs::path out = dir.path() / "out";
  Server server(out, dir.path() / "serve.log",
                {"--quiet-period", "100ms", "--late-window", "300ms", "--window", "1h"});
  ASSERT_EQ(server.Post(Fixture("split_1.json"), "application/json")->status, 200);
  ASSERT_TRUE(MetricsReach(server, "arbiter_serve_traces_assembled_total 2"));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // past 8f1e...'s late window
  auto late = server.Post(Fixture("split_2.json"), "application/json");
  ASSERT_EQ(late->status, 200);
  EXPECT_NE(late->body.find("\"rejectedSpans\":\"1\""), std::string::npos) << late->body;
  EXPECT_NE(late->body.find("1 span came after their trace's late window"), std::string::npos)
      << late->body;
  std::string metrics = server.Get("/metrics")->body;
  EXPECT_NE(metrics.find("arbiter_serve_spans_rejected_total{reason=\"late\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(server.Signal(SIGTERM), 0) << ReadFile((dir.path() / "serve.log").string());
  EXPECT_EQ(PlanOf(out / "samples")["traces"], 2);  // no third trace from the late root
}

// The window's file in `folder` whose name ends with `suffix` ("" when there is none).
std::string WindowFile(const fs::path& folder, const std::string& suffix) {
  if (!fs::exists(folder)) return "";
  for (const auto& entry : fs::directory_iterator(folder)) {
    std::string name = entry.path().string();
    if (name.ends_with(suffix)) return name;
  }
  return "";
}

// The number of lines of `path`.
size_t LineCount(const std::string& path) {
  std::string text = ReadFile(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// With --suite, each written window's sample is scored into OUT/scores/WINDOW as `arbiter run`
// scores it; a window written but not scored (a kill -9 between the two) is scored at the next
// start.
TEST(ServeCliTest, WithASuiteEachWindowIsScoredAndALeftoverOneAtTheNextStart) {
  TempDir dir;
  fs::path out = dir.path() / "out";
  const std::vector<std::string> suite = {"--suite", "evaluators/suites/demo.yaml", "--cache",
                                          (dir.path() / "cache").string()};
  std::string window;
  {
    Server server(out, dir.path() / "serve.log", suite);
    std::istringstream lines(ReadFile("datasets/demo/traces.otlp.jsonl"));
    std::string line;
    for (int i = 0; i < 20 && std::getline(lines, line); ++i) {
      ASSERT_EQ(server.Post(line, "application/json")->status, 200);
    }
    ASSERT_EQ(server.Signal(SIGTERM), 0) << ReadFile((dir.path() / "serve.log").string());
    std::string partial = WindowFile(out / "samples", ".partial.jsonl");
    ASSERT_NE(partial, "");
    window = fs::path(partial).filename().string();
    window.resize(window.size() - strlen(".partial.jsonl"));
  }
  fs::path scored = out / "scores" / window;
  std::string sample = (out / "samples" / (window + ".jsonl")).string();
  ASSERT_TRUE(fs::exists(scored / "scores.jsonl")) << ReadFile((dir.path() / "serve.log").string());
  // A row per trace and evaluator that applies, as `arbiter run` writes them for the sample.
  auto run = testing::RunArbiter("run -q -s evaluators/suites/demo.yaml -t " + sample + " -o " +
                                 (dir.path() / "run").string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ReadFile((scored / "scores.jsonl").string()),
            ReadFile((dir.path() / "run" / "scores.jsonl").string()));
  EXPECT_GE(LineCount((scored / "scores.jsonl").string()), LineCount(sample) * 5);
  nlohmann::json card = nlohmann::json::parse(ReadFile((scored / "scorecard.json").string()));
  EXPECT_EQ(card["traces"], LineCount(sample));

  // As after a kill -9 between writing the window and scoring it: the next start scores it.
  fs::remove_all(out / "scores");
  Server restarted(out, dir.path() / "serve.log", suite);
  for (int i = 0; i < 300 && !fs::exists(scored / "scores.jsonl"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(fs::exists(scored / "scores.jsonl"));
  EXPECT_EQ(restarted.Signal(SIGTERM), 0);
  EXPECT_EQ(ReadFile((scored / "scores.jsonl").string()),
            ReadFile((dir.path() / "run" / "scores.jsonl").string()));
}

// The non-blank lines of `path` (none when it is absent).
std::vector<std::string> FileLines(const fs::path& path) {
  std::vector<std::string> lines;
  if (!fs::exists(path)) return lines;
  std::istringstream in(ReadFile(path.string()));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string TraceIdOf(const std::string& line) {
  return nlohmann::json::parse(line)["trace_id"].get<std::string>();
}

// The windows written to OUT/samples, oldest first.
std::vector<std::string> WrittenWindows(const fs::path& out) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(out / "samples")) {
    std::string file = entry.path().filename().string();
    if (file.ends_with(".plan.json")) names.push_back(file.substr(0, file.size() - 10));
  }
  std::sort(names.begin(), names.end());
  return names;
}

uint64_t WindowMs(const nlohmann::json& plan) {
  uint64_t start = 0, end = 0;
  EXPECT_TRUE(ParseRfc3339(plan["start"].get<std::string>(), start));
  EXPECT_TRUE(ParseRfc3339(plan["end"].get<std::string>(), end));
  return (end - start) / 1000000;
}

// What a judge budget did to the windows of `out`, checked window by window against the rule:
// each window scored what the window before carried, then its own sample, as many traces of
// `cost` calls as `budget` calls per hour over the window's length allow, and carried the rest.
struct BudgetAccount {
  std::vector<std::string> windows;
  std::vector<std::string> scored_ids;  // in scoring order, all windows
  std::vector<std::string> sampled_ids;
  std::vector<std::string> last_carried;
  uint64_t allowed_calls = 0;  // all windows together
};

BudgetAccount CheckBudget(const fs::path& out, uint64_t budget, uint64_t cost) {
  BudgetAccount account;
  account.windows = WrittenWindows(out);
  std::vector<std::string> carried_in;
  for (const std::string& window : account.windows) {
    SCOPED_TRACE("window " + window);
    fs::path scores = out / "scores" / window;
    EXPECT_TRUE(fs::exists(scores / "scores.jsonl"));
    std::vector<std::string> sample = FileLines(out / "samples" / (window + ".jsonl"));
    for (const std::string& line : sample) account.sampled_ids.push_back(TraceIdOf(line));
    nlohmann::json plan =
        nlohmann::json::parse(ReadFile((out / "samples" / (window + ".plan.json")).string()));
    uint64_t allowance = budget * WindowMs(plan) / 3600000;
    account.allowed_calls += allowance;
    std::vector<std::string> input = carried_in;
    input.insert(input.end(), sample.begin(), sample.end());
    size_t fit = std::min<size_t>(input.size(), allowance / cost);
    std::vector<std::string> scored(input.begin(), input.begin() + fit);
    std::vector<std::string> carried(input.begin() + fit, input.end());
    // The traces scored: the sample's own file when it was scored whole and alone.
    if (carried_in.empty() && carried.empty()) {
      EXPECT_FALSE(fs::exists(scores / "traces.jsonl"));
    } else {
      EXPECT_EQ(FileLines(scores / "traces.jsonl"), scored);
    }
    EXPECT_EQ(FileLines(scores / "carried.jsonl"), carried);
    EXPECT_EQ(fs::exists(scores / "carried.jsonl"), !carried.empty());
    nlohmann::json account_file =
        nlohmann::json::parse(ReadFile((scores / "budget.json").string()));
    EXPECT_EQ(account_file["allowance_calls"], allowance);
    EXPECT_EQ(account_file["carried_in"], carried_in.size());
    EXPECT_EQ(account_file["scored"], fit);
    EXPECT_EQ(account_file["charged_calls"], fit * cost);
    EXPECT_EQ(account_file["carried"], carried.size());
    nlohmann::json card = nlohmann::json::parse(ReadFile((scores / "scorecard.json").string()));
    EXPECT_EQ(card["traces"], fit);
    // Every row is of a trace scored here, in the order of the input.
    std::vector<std::string> row_ids;
    for (const std::string& row : FileLines(scores / "scores.jsonl")) {
      std::string id = TraceIdOf(row);
      if (row_ids.empty() || row_ids.back() != id) row_ids.push_back(id);
    }
    std::vector<std::string> scored_ids;
    for (const std::string& line : scored) scored_ids.push_back(TraceIdOf(line));
    auto next = scored_ids.begin();
    for (const std::string& id : row_ids) {
      next = std::find(next, scored_ids.end(), id);
      EXPECT_NE(next, scored_ids.end()) << id << " has rows but is not among the traces scored";
    }
    account.scored_ids.insert(account.scored_ids.end(), scored_ids.begin(), scored_ids.end());
    carried_in = carried;
  }
  account.last_carried = carried_in;
  return account;
}

// Waits until `out` has `count` windows written and scored (up to 30 s).
void WaitForScoredWindows(const fs::path& out, size_t count) {
  for (int i = 0; i < 300; ++i) {
    std::vector<std::string> windows =
        fs::exists(out / "samples") ? WrittenWindows(out) : std::vector<std::string>{};
    size_t scored = std::count_if(windows.begin(), windows.end(), [&](const std::string& w) {
      return fs::exists(out / "scores" / w / "scores.jsonl");
    });
    if (scored >= count) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "fewer than " << count << " windows scored in 30 s";
}

// The files of a window's scores folder that a rescore must write again byte for byte.
std::map<std::string, std::string> SplitFiles(const fs::path& scores) {
  std::map<std::string, std::string> files;
  for (const char* name : {"scores.jsonl", "traces.jsonl", "carried.jsonl", "budget.json"}) {
    if (fs::exists(scores / name)) files[name] = ReadFile((scores / name).string());
  }
  return files;
}

// --judge-budget N: a window scores what the window before carried, then its own sample, as far
// as N calls per hour over its length allow; the rest goes to OUT/scores/W/carried.jsonl for the
// next window. Nothing is lost or scored twice, the judge gets no more calls than the budget, a
// rescore after a crash makes the same split, and the next start's first window takes what the
// last one carried.
TEST(ServeCliTest, AJudgeBudgetScoresWhatFitsAndCarriesTheRest) {
  testing::JudgeServer judge;
  ASSERT_TRUE(judge.ok());
  setenv("JUDGE_BASE_URL", judge.openai_base_url().c_str(), 1);
  setenv("OPENAI_API_KEY", "sk-serve-budget-test-0c4e", 1);
  // judge.yaml has two judges of one sample each: a trace costs 2 calls. 10800 calls per hour is
  // 6 calls, 3 traces, per 2 s window.
  constexpr uint64_t kBudget = 10800, kCost = 2;
  TempDir dir;
  fs::path out = dir.path() / "out";
  fs::path log = dir.path() / "serve.log";
  const std::vector<std::string> flags = {"--suite",        "evaluators/suites/judge.yaml",
                                          "--cache",        (dir.path() / "cache").string(),
                                          "--judge-budget", std::to_string(kBudget),
                                          "--window",       "2s",
                                          "--late-window",  "300ms",
                                          "--quiet-period", "200ms"};
  std::vector<std::string> requests;
  {
    std::istringstream lines(ReadFile("datasets/demo/traces.otlp.jsonl"));
    std::string line;
    for (int i = 0; i < 16 && std::getline(lines, line); ++i) requests.push_back(line);
  }
  std::string first_window;
  {
    Server server(out, log, flags);
    // Post the first 8 just after a window opens, so that they complete in the same window.
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::this_thread::sleep_for(std::chrono::milliseconds((2100 - now_ms % 2000) % 2000));
    for (int i = 0; i < 8; ++i)
      ASSERT_EQ(server.Post(requests[i], "application/json")->status, 200);
    WaitForScoredWindows(out, 1);
    first_window = WrittenWindows(out).front();
    for (int i = 8; i < 16; ++i) {
      ASSERT_EQ(server.Post(requests[i], "application/json")->status, 200);
    }
    // The second window closes at SIGTERM, partial, with at least one trace's share.
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    ASSERT_EQ(server.Signal(SIGTERM), 0) << ReadFile(log.string());
  }
  unsetenv("JUDGE_BASE_URL");
  unsetenv("OPENAI_API_KEY");
  std::string serve_log = ReadFile(log.string());

  BudgetAccount account = CheckBudget(out, kBudget, kCost);
  ASSERT_GE(account.windows.size(), 2u) << serve_log;
  // The first window: its 8 traces, 3 scored, 5 carried; the second scored those first.
  EXPECT_EQ(account.windows.front(), first_window);
  std::vector<std::string> carried = FileLines(out / "scores" / first_window / "carried.jsonl");
  ASSERT_EQ(carried.size(), 5u) << serve_log;
  std::vector<std::string> second = FileLines(out / "scores" / account.windows[1] / "traces.jsonl");
  ASSERT_FALSE(second.empty()) << serve_log;
  EXPECT_EQ(second.front(), carried.front());
  EXPECT_NE(serve_log.find("3 traces scored (0 carried in), 5 carried to the next window "
                           "(--judge-budget: 6 of 6 judge calls)"),
            std::string::npos)
      << serve_log;
  // Nothing scored twice; nothing lost but what the last window carried.
  std::set<std::string> scored(account.scored_ids.begin(), account.scored_ids.end());
  EXPECT_EQ(scored.size(), account.scored_ids.size());
  std::set<std::string> expected(account.sampled_ids.begin(), account.sampled_ids.end());
  EXPECT_EQ(expected.size(), 16u);
  for (const std::string& line : account.last_carried) expected.erase(TraceIdOf(line));
  EXPECT_EQ(scored, expected);
  EXPECT_FALSE(account.last_carried.empty());
  // The judge was called no more than the budget allowed.
  EXPECT_GT(judge.requests(), 0);
  EXPECT_LE(static_cast<uint64_t>(judge.requests()), account.allowed_calls);

  // As after a kill -9: the first window's scores gone, the second's split written but not its
  // scores. The restart scores both again, the same.
  std::map<std::string, std::string> before[2] = {SplitFiles(out / "scores" / account.windows[0]),
                                                  SplitFiles(out / "scores" / account.windows[1])};
  fs::remove_all(out / "scores" / account.windows[0]);
  fs::remove(out / "scores" / account.windows[1] / "scores.jsonl");
  setenv("JUDGE_BASE_URL", judge.openai_base_url().c_str(), 1);
  setenv("OPENAI_API_KEY", "sk-serve-budget-test-0c4e", 1);
  int64_t requests_before = judge.requests();
  {
    Server restarted(out, log, flags);
    WaitForScoredWindows(out, account.windows.size());
    EXPECT_EQ(SplitFiles(out / "scores" / account.windows[0]), before[0]);
    EXPECT_EQ(SplitFiles(out / "scores" / account.windows[1]), before[1]);
    EXPECT_EQ(judge.requests(), requests_before);  // the response cache answered the rescore
    // Its first window takes what the last one carried: give it a trace's share.
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    ASSERT_EQ(restarted.Signal(SIGTERM), 0) << ReadFile(log.string());
  }
  unsetenv("JUDGE_BASE_URL");
  unsetenv("OPENAI_API_KEY");
  BudgetAccount after = CheckBudget(out, kBudget, kCost);
  ASSERT_GT(after.windows.size(), account.windows.size());
  nlohmann::json next = nlohmann::json::parse(
      ReadFile((out / "scores" / after.windows[account.windows.size()] / "budget.json").string()));
  EXPECT_EQ(next["carried_from"], account.windows.back());
  EXPECT_EQ(next["carried_in"], account.last_carried.size());
  std::set<std::string> all(after.scored_ids.begin(), after.scored_ids.end());
  EXPECT_EQ(all.size(), after.scored_ids.size());  // scored once, across the restart too
}

TEST(ServeCliTest, AJudgeBudgetNeedsASuiteAndOneTracesShareOfAWindow) {
  TempDir dir;
  auto no_suite = testing::RunArbiter("serve --out " + (dir.path() / "a").string() +
                                      " --port 0 --grpc -1 --judge-budget 100");
  EXPECT_EQ(no_suite.exit_code, 2);
  EXPECT_NE(no_suite.err.find("--judge-budget"), std::string::npos) << no_suite.err;
  // 10 calls per hour is 0 calls per minute, less than the 2 that judge.yaml's trace may cost.
  setenv("OPENAI_API_KEY", "sk-serve-budget-test-0c4e", 1);
  auto too_small = testing::RunArbiter("serve --out " + (dir.path() / "b").string() +
                                       " --port 0 --grpc -1 --suite evaluators/suites/judge.yaml "
                                       "--judge-budget 10 --window 1m");
  unsetenv("OPENAI_API_KEY");
  EXPECT_EQ(too_small.exit_code, 2);
  EXPECT_NE(too_small.err.find("--judge-budget"), std::string::npos) << too_small.err;
}

TEST(ServeCliTest, AUsageErrorLeavesNothingBehind) {
  // A bad --window (or --quiet-period, --stop-after, suite) once left OUT/sample-policy.yaml.
  TempDir dir;
  const std::string serve = "serve --port 0 --grpc -1 --out ";
  for (const std::string& bad :
       {std::string(" --window abc"), std::string(" --quiet-period 5 parsecs"),
        std::string(" --stop-after never"), std::string(" --suite /nonexistent/suite.yaml")}) {
    auto out = dir.path() / "out";
    auto result = testing::RunArbiter(serve + out.string() + bad);
    EXPECT_EQ(result.exit_code, 2) << bad << ": " << result.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << bad;
  }
}

// Several instances behind a traceID load balancer (docs/DEPLOY.md): three fed by a trace-id
// hash split and one fed everything. `arbiter sample --merge` of the three windows' partial
// samples writes the bytes of the one instance's window sample.
TEST(ServeCliTest, InstancesSplitByTraceIdMergeToTheSampleOfOneInstance) {
  // All four windows must be the same day's (24 h windows from midnight UTC): not near midnight.
  constexpr int64_t kDayMs = 86400000;
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (kDayMs - now_ms % kDayMs < 120000) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kDayMs - now_ms % kDayMs + 1000));
  }
  TempDir dir;
  const std::vector<std::string> common = {
      "--policy", "datasets/demo/sample-policy.yaml", "--window", "24h", "--seed", "5"};
  std::vector<std::unique_ptr<Server>> servers;
  for (int i = 0; i < 4; ++i) {
    std::string name = "instance-" + std::to_string(i);
    servers.push_back(
        std::make_unique<Server>(dir.path() / name, dir.path() / (name + ".log"), common));
  }
  // The demo's traces as OTLP/JSON, one request per trace.
  std::istringstream lines(ReadFile("datasets/demo/traces.otlp.jsonl"));
  int sent = 0;
  for (std::string line; sent < 300 && std::getline(lines, line); ++sent) {
    size_t at = line.find("\"traceId\":\"");
    ASSERT_NE(at, std::string::npos);
    std::string trace_id = line.substr(at + 11, 32);
    size_t part = std::hash<std::string>{}(trace_id) % 3;
    ASSERT_EQ(servers[part]->Post(line, "application/json")->status, 200);
    ASSERT_EQ(servers[3]->Post(line, "application/json")->status, 200);
  }
  std::string partials, one;
  for (int i = 0; i < 4; ++i) {
    fs::path out = dir.path() / ("instance-" + std::to_string(i));
    ASSERT_EQ(servers[i]->Signal(SIGTERM), 0) << ReadFile(out.string() + ".log");
    std::string partial = WindowFile(out / "samples", ".partial.jsonl");
    ASSERT_NE(partial, "") << "instance " << i << " wrote no partial sample";
    if (i < 3) partials += partial + " ";
    // The whole traffic's window sample, beside its partial sample.
    if (i == 3) one = partial.substr(0, partial.size() - strlen(".partial.jsonl")) + ".jsonl";
  }
  std::string merged = (dir.path() / "merged.jsonl").string();
  auto merge = testing::RunArbiter("sample --policy datasets/demo/sample-policy.yaml --merge " +
                                   partials + "-o " + merged);
  ASSERT_EQ(merge.exit_code, 0) << merge.err;
  std::string one_text = ReadFile(one);
  EXPECT_GT(std::count(one_text.begin(), one_text.end(), '\n'), 50);  // a sample, not all 300
  EXPECT_LT(std::count(one_text.begin(), one_text.end(), '\n'), 300);
  EXPECT_EQ(ReadFile(merged), one_text);
}

// The OpenTelemetry JS SDK's own exporters (tests/node/otlp_export.mjs): OTLP/HTTP JSON,
// OTLP/HTTP protobuf and OTLP/gRPC, each span in its own request. Every trace the exporter
// reports sent is in the window's sample, assembled with its input, output, model and tokens.
class ExporterTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ExporterTest, EveryTraceTheSdkExportedIsInTheWindowsSample) {
  std::string missing = testing::MissingNodeTools(
      {"@opentelemetry/exporter-trace-otlp-http", "@opentelemetry/exporter-trace-otlp-proto",
       "@opentelemetry/exporter-trace-otlp-grpc", "@opentelemetry/sdk-trace-base"});
  if (!missing.empty()) GTEST_SKIP() << missing;
  const std::string protocol = GetParam();
  TempDir dir;
  fs::path out = dir.path() / "out";
  Server server(out, dir.path() / "serve.log");
  std::string endpoint = protocol == "grpc"
                             ? "http://127.0.0.1:" + std::to_string(server.grpc_port())
                             : "http://127.0.0.1:" + std::to_string(server.port()) + "/v1/traces";
  fs::path sent = dir.path() / "sent.jsonl";
  std::string command = "node tests/node/otlp_export.mjs " + protocol + " " + endpoint +
                        " 6 sdk >" + sent.string() + " 2>" + (dir.path() / "node.err").string();
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile((dir.path() / "node.err").string())
                                             << ReadFile((dir.path() / "serve.log").string());
  EXPECT_EQ(server.Signal(SIGTERM), 0) << ReadFile((dir.path() / "serve.log").string());

  std::map<std::string, nlohmann::json> sampled;
  for (const std::string& line : Lines(out / "samples", ".jsonl")) {
    nlohmann::json trace = nlohmann::json::parse(line);
    sampled[trace["trace_id"].get<std::string>()] = trace;
  }
  std::istringstream expected_lines(ReadFile(sent.string()));
  size_t count = 0;
  for (std::string line; std::getline(expected_lines, line); ++count) {
    nlohmann::json expected = nlohmann::json::parse(line);
    auto found = sampled.find(expected["trace_id"].get<std::string>());
    ASSERT_NE(found, sampled.end()) << line;
    const nlohmann::json& trace = found->second;
    EXPECT_EQ(trace["input"], expected["input"]);
    EXPECT_EQ(trace["output"], expected["output"]);
    EXPECT_EQ(trace["model"], expected["model"]);
    EXPECT_EQ(trace["usage"]["input_tokens"], expected["input_tokens"]);
    EXPECT_EQ(trace["usage"]["output_tokens"], expected["output_tokens"]);
    EXPECT_EQ(trace["metadata"]["service"], "checkout-" + protocol);
    ASSERT_EQ(trace["tool_calls"].size(), 1u) << trace.dump();
    EXPECT_EQ(trace["tool_calls"][0]["name"], "lookup_order");
    EXPECT_TRUE(trace.contains("_sample"));
  }
  EXPECT_EQ(count, 6u);
  EXPECT_EQ(sampled.size(), 6u);
  nlohmann::json plan = PlanOf(out / "samples");
  EXPECT_EQ(plan["traces"], 6);
  EXPECT_EQ(plan["partial"], true);
}

INSTANTIATE_TEST_SUITE_P(Protocols, ExporterTest,
                         ::testing::Values("http/json", "http/protobuf", "grpc"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '/', '_');
                           return name;
                         });

}  // namespace
}  // namespace arbiter
