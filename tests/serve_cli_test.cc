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
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "runner/source/otlp/document.h"
#include "runner/source/otlp/proto.h"
#include "runner/source/trace_source.h"
#include "tests/browser_util.h"
#include "tests/cli_util.h"
#include "tests/gzip_util.h"

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
  Server server(out, dir.path() / "serve.log", {"--quiet-period", "200ms", "--window", "2s"});
  ASSERT_EQ(server.Post(ProtoBody(Fixture("openinference.json")), "application/x-protobuf")->status,
            200);
  // Completed after 200 ms, written when its 2 s window ends: poll up to 30 s for the plan,
  // which is written last.
  for (int i = 0; i < 300 && PlanOf(out / "samples").is_null(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(Lines(out / "samples", ".jsonl").size(), 1u);
  EXPECT_EQ(PlanOf(out / "samples")["partial"], false);
  EXPECT_EQ(server.Signal(SIGTERM), 0);
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
