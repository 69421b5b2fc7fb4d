// The receiver without the network: what it acknowledges survives a crash (the journal), a
// shutdown writes the open window as partial, and the journal is emptied once it is written.
#include "runner/serve/receiver.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runner/serve/fixture_spans.h"

namespace arbiter {
namespace {

namespace fs = std::filesystem;

ExportSpans Request(std::vector<OtlpSpan> spans) {
  ExportSpans request;
  request.declared = spans.size();
  request.spans = std::move(spans);
  return request;
}

struct Fixture {
  explicit Fixture(const std::string& name) {
    options.out = fs::path(::testing::TempDir()) / ("receiver_test_" + name);
    fs::remove_all(options.out);
    options.assembly.quiet_ms = 3600000;  // nothing completes on its own during a test
    options.assembly.rootless_ms = 3600000;
    policy = *ParseSamplePolicy("targets: {default: 200}", "policy");
  }
  std::unique_ptr<Receiver> Start() {
    auto receiver = Receiver::Start(options, policy, triage, nullptr, stderr);
    EXPECT_TRUE(receiver.ok()) << receiver.status().message();
    return std::move(*receiver);
  }
  std::vector<std::string> Lines(const std::string& folder, const std::string& suffix) {
    std::vector<std::string> lines;
    for (const auto& entry : fs::directory_iterator(options.out / folder)) {
      // The window's sample, not its plan or its partial sample (the same draw, for a merge).
      if (!entry.path().string().ends_with(suffix) ||
          entry.path().string().ends_with(".plan.json") ||
          entry.path().string().ends_with(".partial.jsonl")) {
        continue;
      }
      std::ifstream in(entry.path());
      for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    return lines;
  }
  nlohmann::json Plan() {
    for (const auto& entry : fs::directory_iterator(options.out / "samples")) {
      if (entry.path().string().ends_with(".plan.json")) {
        std::ifstream in(entry.path());
        return nlohmann::json::parse(in);
      }
    }
    return nullptr;
  }
  ServeOptions options;
  SamplePolicy policy;
  TriageOptions triage;
};

TEST(ReceiverTest, ThePolicysOtlpOptionsMapTheTraces) {
  Fixture fixture("otlp_options");
  fixture.policy = *ParseSamplePolicy(
      "targets: {default: 200}\notlp: {attribute_map: {llm.model_name: metadata.model_family}}",
      "policy");
  auto receiver = fixture.Start();
  ASSERT_EQ(receiver->Ingest(Request(FixtureSpans("split_1.json"))).code, IngestOutcome::kOk);
  ASSERT_TRUE(receiver->Shutdown().ok());
  std::vector<std::string> sampled = fixture.Lines("samples", ".jsonl");
  ASSERT_FALSE(sampled.empty());
  bool mapped = false;
  for (const std::string& line : sampled) {
    mapped = mapped || nlohmann::json::parse(line)["metadata"].contains("model_family");
  }
  EXPECT_TRUE(mapped);
  receiver.reset();
}

TEST(ReceiverTest, ShutdownWritesThePartialWindowAndEmptiesTheJournal) {
  Fixture fixture("shutdown");
  auto receiver = fixture.Start();
  IngestOutcome outcome = receiver->Ingest(Request(FixtureSpans("split_1.json")));
  EXPECT_EQ(outcome.code, IngestOutcome::kOk);
  EXPECT_EQ(outcome.rejected, 0u);
  outcome = receiver->Ingest(Request(FixtureSpans("split_2.json")));
  EXPECT_EQ(outcome.code, IngestOutcome::kOk);
  EXPECT_GT(receiver->metrics().journal_bytes.load() + receiver->metrics().spans_received, 0u);
  ASSERT_TRUE(receiver->Shutdown().ok());
  EXPECT_EQ(receiver->Ingest(Request(FixtureSpans("split_1.json"))).code, IngestOutcome::kStopping);
  std::vector<std::string> sampled = fixture.Lines("samples", ".jsonl");
  ASSERT_EQ(sampled.size(), 2u);  // one trace spread over both requests, one in the first
  EXPECT_NE(sampled[0].find("\"_sample\""), std::string::npos);
  nlohmann::json plan = fixture.Plan();
  EXPECT_EQ(plan["partial"], true);
  EXPECT_EQ(plan["traces"], 2);
  EXPECT_EQ(plan["sampled"], 2);
  EXPECT_TRUE(fs::exists(fixture.options.out / "triage"));
  receiver.reset();
  // Nothing left to replay.
  auto again = fixture.Start();
  EXPECT_EQ(again->metrics().replayed_spans.load(), 0u);
}

TEST(ReceiverTest, ACrashLosesNoAcknowledgedSpan) {
  Fixture fixture("crash");
  std::vector<OtlpSpan> first = FixtureSpans("split_1.json");
  std::vector<OtlpSpan> second = FixtureSpans("split_2.json");
  uint64_t total = first.size() + second.size();
  {
    auto receiver = fixture.Start();
    ASSERT_EQ(receiver->Ingest(Request(first)).code, IngestOutcome::kOk);
    ASSERT_EQ(receiver->Ingest(Request(second)).code, IngestOutcome::kOk);
    // Destroyed without Shutdown: as after kill -9, only the journal remains.
  }
  EXPECT_FALSE(fs::exists(fixture.options.out / "samples"));
  auto receiver = fixture.Start();
  EXPECT_EQ(receiver->metrics().replayed_spans.load(), total);
  ASSERT_TRUE(receiver->Shutdown().ok());
  EXPECT_EQ(fixture.Lines("samples", ".jsonl").size(), 2u);
}

// Both requests before either trace completes: the reference for the amendment tests.
std::vector<std::string> SampledTogether(const std::string& name) {
  Fixture fixture(name);
  auto receiver = fixture.Start();
  EXPECT_EQ(receiver->Ingest(Request(FixtureSpans("split_1.json"))).code, IngestOutcome::kOk);
  EXPECT_EQ(receiver->Ingest(Request(FixtureSpans("split_2.json"))).code, IngestOutcome::kOk);
  EXPECT_TRUE(receiver->Shutdown().ok());
  return fixture.Lines("samples", ".jsonl");
}

// A fixture whose traces complete within 50 ms, checked every 10 ms.
void CompleteQuickly(Fixture& fixture) {
  fixture.options.assembly.quiet_ms = 20;
  fixture.options.assembly.rootless_ms = 50;
  fixture.options.tick_ms = 10;
}

// Waits (up to 10 s) until the receiver has spooled `traces` completed traces.
void WaitAssembled(Receiver& receiver, uint64_t traces) {
  for (int i = 0; i < 1000 && receiver.metrics().traces_assembled.load() < traces; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(receiver.metrics().traces_assembled.load(), traces);
}

// split_1.json holds a child span of trace 8f1e... and the root of 9a8b...; split_2.json the root
// of 8f1e..., which here arrives after 8f1e... completed without it (rootless) and was spooled.
TEST(ReceiverTest, ASpanWithinTheLateWindowAmendsItsCompletedTrace) {
  std::vector<std::string> reference = SampledTogether("amend_reference");
  ASSERT_EQ(reference.size(), 2u);
  Fixture fixture("amend");
  CompleteQuickly(fixture);
  auto receiver = fixture.Start();
  ASSERT_EQ(receiver->Ingest(Request(FixtureSpans("split_1.json"))).code, IngestOutcome::kOk);
  WaitAssembled(*receiver, 2);
  IngestOutcome outcome = receiver->Ingest(Request(FixtureSpans("split_2.json")));
  EXPECT_EQ(outcome.code, IngestOutcome::kOk);
  EXPECT_EQ(outcome.rejected, 0u);
  ASSERT_TRUE(receiver->Shutdown().ok());
  EXPECT_EQ(receiver->metrics().spans_amending.load(), 1u);
  EXPECT_EQ(receiver->metrics().spans_amending_lost.load(), 0u);
  EXPECT_EQ(receiver->metrics().traces_amended.load(), 1u);
  EXPECT_EQ(receiver->metrics().traces_assembled.load(), 2u);  // amended, not a third trace
  // The window holds the trace as if its root had come in time: the same line, in its place.
  EXPECT_EQ(fixture.Lines("samples", ".jsonl"), reference);
  EXPECT_EQ(fixture.Plan()["traces"], 2);
}

TEST(ReceiverTest, ASpanAfterTheLateWindowIsRefusedAsLate) {
  Fixture fixture("late");
  CompleteQuickly(fixture);
  fixture.options.assembly.late_ms = 100;
  auto receiver = fixture.Start();
  ASSERT_EQ(receiver->Ingest(Request(FixtureSpans("split_1.json"))).code, IngestOutcome::kOk);
  WaitAssembled(*receiver, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // past the late window
  IngestOutcome outcome = receiver->Ingest(Request(FixtureSpans("split_2.json")));
  EXPECT_EQ(outcome.code, IngestOutcome::kOk);
  EXPECT_EQ(outcome.rejected, 1u);
  EXPECT_NE(outcome.message.find("1 span came after their trace's late window"), std::string::npos)
      << outcome.message;
  ASSERT_TRUE(receiver->Shutdown().ok());
  EXPECT_EQ(receiver->metrics().spans_late.load(), 1u);
  EXPECT_EQ(receiver->metrics().spans_received.load(), 2u);  // the late span is not accepted
  EXPECT_EQ(receiver->metrics().spans_amending.load(), 0u);
  EXPECT_EQ(receiver->metrics().traces_assembled.load(), 2u);  // and opened no third trace
  EXPECT_EQ(fixture.Plan()["traces"], 2);
}

TEST(ReceiverTest, AnAmendmentSurvivesACrash) {
  std::vector<std::string> reference = SampledTogether("amend_crash_reference");
  Fixture fixture("amend_crash");
  CompleteQuickly(fixture);
  {
    auto receiver = fixture.Start();
    ASSERT_EQ(receiver->Ingest(Request(FixtureSpans("split_1.json"))).code, IngestOutcome::kOk);
    WaitAssembled(*receiver, 2);
    ASSERT_EQ(receiver->Ingest(Request(FixtureSpans("split_2.json"))).code, IngestOutcome::kOk);
    // Destroyed without Shutdown: as after kill -9, only the journal remains.
  }
  auto receiver = fixture.Start();
  EXPECT_EQ(receiver->metrics().replayed_spans.load(), 3u);
  ASSERT_TRUE(receiver->Shutdown().ok());
  EXPECT_EQ(receiver->metrics().traces_amended.load(), 1u);
  EXPECT_EQ(fixture.Lines("samples", ".jsonl"), reference);
}

// The lines of `lines` without their `_sample` weights (which depend on the window's population),
// sorted.
std::vector<std::string> WithoutWeights(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    nlohmann::json trace = nlohmann::json::parse(line);
    trace.erase("_sample");
    out.push_back(trace.dump());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ReceiverTest, ACutCarriesTheSpansOfOpenTracesThroughACrash) {
  std::vector<std::string> reference = WithoutWeights(SampledTogether("cut_reference"));
  Fixture fixture("cut");
  fixture.options.window_ms = 1000;
  fixture.options.tick_ms = 10;
  fixture.options.assembly.quiet_ms = 20;  // 9a8b... completes; 8f1e... (no root yet) stays open
  fixture.options.assembly.late_ms = 50;
  {
    auto receiver = fixture.Start();
    // One record holding a span of each: the cut of 9a8b...'s window keeps only 8f1e...'s.
    ASSERT_EQ(receiver->Ingest(Request(FixtureSpans("split_1.json"))).code, IngestOutcome::kOk);
    for (int i = 0; i < 500 && receiver->metrics().windows_closed.load() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(receiver->metrics().windows_closed.load(), 1u);
    // Destroyed without Shutdown: as after kill -9, only the journal remains.
  }
  auto receiver = fixture.Start();
  EXPECT_EQ(receiver->metrics().replayed_spans.load(), 1u);  // 8f1e...'s span, carried
  ASSERT_EQ(receiver->Ingest(Request(FixtureSpans("split_2.json"))).code, IngestOutcome::kOk);
  ASSERT_TRUE(receiver->Shutdown().ok());
  EXPECT_EQ(WithoutWeights(fixture.Lines("samples", ".jsonl")), reference);
}

TEST(ReceiverTest, PastTheInflightBoundRequestsAreRefused) {
  Fixture fixture("full");
  fixture.options.max_inflight_traces = 2;
  auto receiver = fixture.Start();
  std::vector<OtlpSpan> spans = FixtureSpans("split_1.json");
  ASSERT_EQ(receiver->Ingest(Request(spans)).code, IngestOutcome::kOk);
  // The same traces are not new ones.
  ASSERT_EQ(receiver->Ingest(Request(FixtureSpans("split_2.json"))).code, IngestOutcome::kOk);
  std::vector<OtlpSpan> other = FixtureSpans("openinference.json");
  IngestOutcome outcome = receiver->Ingest(Request(other));
  EXPECT_EQ(outcome.code, IngestOutcome::kFull);
  EXPECT_NE(outcome.message.find("max_inflight_traces"), std::string::npos);
}

TEST(ReceiverTest, UnreadableSpansAreRejectedInPartialSuccess) {
  Fixture fixture("partial");
  auto receiver = fixture.Start();
  ExportSpans request = Request(FixtureSpans("split_1.json"));
  request.declared += 2;
  request.problems = {"resourceSpans[0].scopeSpans[0].spans[9]: no traceId"};
  IngestOutcome outcome = receiver->Ingest(std::move(request));
  EXPECT_EQ(outcome.code, IngestOutcome::kOk);
  EXPECT_EQ(outcome.rejected, 2u);
  EXPECT_NE(outcome.message.find("no traceId"), std::string::npos);
}

}  // namespace
}  // namespace arbiter
