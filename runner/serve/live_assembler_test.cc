#include "runner/serve/live_assembler.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

OtlpSpan Span(const std::string& trace, const std::string& id, const std::string& parent) {
  OtlpSpan span;
  span.trace_id = trace;
  span.span_id = id;
  span.parent_span_id = parent;
  return span;
}

LiveAssemblyOptions Options() {
  LiveAssemblyOptions options;
  options.quiet_ms = 100;
  options.rootless_ms = 1000;
  options.late_ms = 5000;
  return options;
}

void Add(LiveAssembler& assembler, OtlpSpan span, uint64_t at) {
  std::vector<LiveAssembler::Trace> out;
  ASSERT_TRUE(assembler.Accepts(span.trace_id, at, out));
  EXPECT_TRUE(out.empty());
  assembler.Add(std::move(span), at);
}

TEST(LiveAssemblerTest, ARootedTraceCompletesAfterTheQuietPeriod) {
  LiveAssembler assembler(Options());
  Add(assembler, Span("t1", "c", "r"), 1000);
  Add(assembler, Span("t1", "r", ""), 1050);
  std::vector<LiveAssembler::Trace> out;
  assembler.Sweep(1149, out);
  EXPECT_TRUE(out.empty());
  assembler.Sweep(1150, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].trace_id, "t1");
  EXPECT_EQ(out[0].complete_ms, 1150u);
  EXPECT_EQ(out[0].spans.size(), 2u);
  EXPECT_EQ(assembler.open_traces(), 0u);
}

TEST(LiveAssemblerTest, ARootlessTraceWaitsLonger) {
  LiveAssembler assembler(Options());
  Add(assembler, Span("t1", "c", "r"), 1000);
  std::vector<LiveAssembler::Trace> out;
  assembler.Sweep(1500, out);
  EXPECT_TRUE(out.empty());
  assembler.Sweep(2000, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].complete_ms, 2000u);
}

TEST(LiveAssemblerTest, CompletionDoesNotDependOnWhenSweepsRan) {
  // A span arriving after the trace's completion time is late whether or not a sweep ran in
  // between: the trace is emitted with its own completion time, as a sweep would have.
  LiveAssembler assembler(Options());
  Add(assembler, Span("t1", "r", ""), 1000);
  std::vector<LiveAssembler::Trace> out;
  EXPECT_FALSE(assembler.Accepts("t1", 1100, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].complete_ms, 1100u);
  out.clear();
  EXPECT_FALSE(assembler.Accepts("t1", 3000, out));  // remembered as emitted
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(assembler.Accepts("t1", 7000, out));  // forgotten after late_ms: a new trace
}

TEST(LiveAssemblerTest, FlushEmitsEveryOpenTraceByDueTime) {
  LiveAssembler assembler(Options());
  Add(assembler, Span("a", "1", "x"), 1000);
  Add(assembler, Span("b", "2", ""), 1001);
  std::vector<LiveAssembler::Trace> out;
  assembler.Flush(1002, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].trace_id, "b");  // due first (rooted)
  EXPECT_EQ(out[1].trace_id, "a");
  EXPECT_EQ(out[1].complete_ms, 1002u);
  EXPECT_EQ(assembler.open_traces(), 0u);
}

}  // namespace
}  // namespace arbiter
