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

using Verdict = LiveAssembler::Verdict;

void Add(LiveAssembler& assembler, OtlpSpan span, uint64_t at) {
  std::vector<LiveAssembler::Trace> out;
  LiveAssembler::Emitted amended;
  ASSERT_EQ(assembler.Accepts(span.trace_id, at, out, &amended), Verdict::kAssemble);
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
  // A span arriving after the trace's completion time amends it whether or not a sweep ran in
  // between: the trace is emitted with its own completion time, as a sweep would have.
  LiveAssembler assembler(Options());
  Add(assembler, Span("t1", "c", "r"), 990);
  Add(assembler, Span("t1", "r", ""), 1000);
  std::vector<LiveAssembler::Trace> out;
  LiveAssembler::Emitted amended;
  EXPECT_EQ(assembler.Accepts("t1", 1100, out, &amended), Verdict::kAmend);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].complete_ms, 1100u);
  EXPECT_EQ(amended.complete_ms, 1100u);
  EXPECT_EQ(amended.first_recv_ms, 990u);
  EXPECT_EQ(amended.spans, 2u);
}

TEST(LiveAssemblerTest, SpansWithinTheLateWindowAmendLaterOnesStartANewTraceWithoutLateIds) {
  LiveAssemblyOptions options = Options();
  options.late_ids = 0;
  LiveAssembler assembler(options);
  Add(assembler, Span("t1", "r", ""), 1000);
  std::vector<LiveAssembler::Trace> out;
  assembler.Sweep(1100, out);
  ASSERT_EQ(out.size(), 1u);
  out.clear();
  LiveAssembler::Emitted amended;
  EXPECT_EQ(assembler.Accepts("t1", 6100, out, &amended), Verdict::kAmend);  // 1100 + late_ms
  EXPECT_EQ(amended.complete_ms, 1100u);
  EXPECT_EQ(amended.first_recv_ms, 1000u);
  EXPECT_EQ(amended.spans, 1u);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(assembler.open_traces(), 0u);      // an amendment opens nothing
  EXPECT_FALSE(assembler.IsLate("t1", 6101));  // forgotten, and no forgotten id is kept
  EXPECT_EQ(assembler.Accepts("t1", 6101, out, &amended), Verdict::kAssemble);
  assembler.Add(Span("t1", "r2", ""), 6101);
  assembler.Sweep(6201, out);
  ASSERT_EQ(out.size(), 1u);
  // The new trace of the same id is amended as itself, not as the first one.
  EXPECT_EQ(assembler.Accepts("t1", 6300, out, &amended), Verdict::kAmend);
  EXPECT_EQ(amended.first_recv_ms, 6101u);
  EXPECT_EQ(amended.complete_ms, 6201u);
}

TEST(LiveAssemblerTest, ASpanAfterTheLateWindowIsLateWhileItsIdIsAmongTheLastForgotten) {
  LiveAssemblyOptions options = Options();
  options.late_ids = 2;
  LiveAssembler assembler(options);
  std::vector<LiveAssembler::Trace> out;
  for (const char* id : {"a", "b", "c"}) Add(assembler, Span(id, "r", ""), 1000);
  Add(assembler, Span("d", "r", ""), 2000);
  assembler.Sweep(2100, out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_FALSE(assembler.IsLate("a", 6100));  // within the late window: it amends
  EXPECT_FALSE(assembler.IsLate("new", 6101));
  // a, b and c are forgotten at 6101 in that order; two ids are kept, so a is not among them.
  EXPECT_FALSE(assembler.IsLate("a", 6101));
  EXPECT_TRUE(assembler.IsLate("b", 6101));
  EXPECT_TRUE(assembler.IsLate("c", 6101));
  EXPECT_FALSE(assembler.IsLate("d", 6101));  // still remembered: it amends
  LiveAssembler::Emitted amended;
  EXPECT_EQ(assembler.Accepts("d", 6101, out, &amended), Verdict::kAmend);
  EXPECT_TRUE(assembler.IsLate("d", 7101));  // forgotten now; b leaves for it
  EXPECT_FALSE(assembler.IsLate("b", 7101));
  EXPECT_TRUE(assembler.IsLate("c", 7101));
}

TEST(LiveAssemblerTest, AnOpenTraceIsNeverLate) {
  LiveAssembler assembler(Options());
  Add(assembler, Span("t", "r", ""), 1000);
  std::vector<LiveAssembler::Trace> out;
  assembler.Sweep(1100, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(assembler.IsLate("t", 6101));
  // Its id reused by a new trace (once forgotten ids no longer hold it): open, so not late.
  LiveAssemblyOptions none = Options();
  none.late_ids = 0;
  LiveAssembler reuse(none);
  Add(reuse, Span("t", "r", ""), 1000);
  reuse.Sweep(1100, out);
  Add(reuse, Span("t", "r2", "x"), 6101);
  EXPECT_FALSE(reuse.IsLate("t", 6200));
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
