#include "runner/cli/progress_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arbiter {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A quarter of a 1 MB file read in 2 s.
ProgressFigures Quarter() {
  return {.seconds = 2, .traces = 1000, .bytes = 250000, .total_bytes = 1000000, .judge = {}};
}

// A judge at work: 16 calls out, a few retried after 429s.
LiveCalls Judge() {
  return {.in_flight = 16,
          .done = 812,
          .retried = 3,
          .rate_limited = 2,
          .failed = 0,
          .cost_usd = 0.0123};
}

TEST(ProgressLineTest, ShareBarRateAndTimeLeft) {
  EXPECT_EQ(FormatProgressLine(Quarter(), 120),
            "scoring  25% [#######.......................] 250.0 kB of 1.0 MB  1000 traces  "
            "500 traces/s  ETA 6 s");
}

TEST(ProgressLineTest, ANarrowTerminalLosesTheBarThenTheEnd) {
  std::string line = FormatProgressLine(Quarter(), 40);
  EXPECT_EQ(line, std::string("scoring  25% 250.0 kB of 1.0 MB  1000 t"));
  EXPECT_EQ(line.size(), 39u);  // one column short of the width: no wrap
  // Just wide enough for everything but the bar.
  std::string no_bar = FormatProgressLine(Quarter(), 75);
  EXPECT_THAT(no_bar, Not(HasSubstr("[")));
  EXPECT_THAT(no_bar, EndsWith("ETA 6 s"));
}

TEST(ProgressLineTest, TimeLeftReadsAsAClockPastAMinute) {
  ProgressFigures figures = Quarter();
  figures.seconds = 10;
  figures.bytes = 50000;  // 5% in 10 s: 190 s left
  EXPECT_THAT(FormatProgressLine(figures, 120), EndsWith("ETA 3:10"));
  figures.seconds = 100;
  figures.bytes = 20000;  // 2% in 100 s: 4900 s left
  EXPECT_THAT(FormatProgressLine(figures, 120), EndsWith("ETA 1:21:40"));
  figures.bytes = 0;  // nothing consumed yet: no estimate
  EXPECT_THAT(FormatProgressLine(figures, 120), EndsWith("ETA --"));
}

TEST(ProgressLineTest, WithoutATotalBytesAndTimeSoFar) {
  ProgressFigures figures = Quarter();
  figures.total_bytes.reset();
  figures.bytes = 12345678;
  EXPECT_EQ(FormatProgressLine(figures, 120), "scoring  12.3 MB  1000 traces  500 traces/s  2.0 s");
}

TEST(ProgressLineTest, JudgeCallsFollowTheScoring) {
  ProgressFigures figures = Quarter();
  figures.judge = Judge();
  std::string line = FormatProgressLine(figures, 200);
  EXPECT_THAT(line, StartsWith("scoring  25% ["));
  EXPECT_THAT(line, EndsWith("ETA 6 s  judge: 16 in flight, 812 done, 3 retried, 2 rate-limited, "
                             "0 failed, $0.0123"));
  figures.judge->cost_usd.reset();  // a judge without a price
  EXPECT_THAT(FormatProgressLine(figures, 200), EndsWith("0 failed"));
}

TEST(ProgressLineTest, WritingOutputs) {
  ProgressFigures figures = Quarter();
  figures.stage = ProgressFigures::Stage::kWriting;
  EXPECT_EQ(FormatProgressLine(figures, 120), "writing outputs...  1000 traces scored in 2.0 s");
}

TEST(ProgressLineTest, SummaryHasTheSameFiguresWhateverTheWidth) {
  ProgressFigures figures = Quarter();
  figures.bytes = 1000000;
  figures.traces = 4000;
  figures.seconds = 8;
  EXPECT_EQ(FormatProgressSummary(figures), "done: 1.0 MB, 4000 traces in 8.0 s (500 traces/s)");
  figures.judge = Judge();
  EXPECT_EQ(FormatProgressSummary(figures),
            "done: 1.0 MB, 4000 traces in 8.0 s (500 traces/s); judge: 812 done, 3 retried, "
            "2 rate-limited, 0 failed, $0.0123");
}

TEST(ProgressLineTest, LiveCallsAddUp) {
  LiveCalls total = Judge();
  LiveCalls unpriced = Judge();
  unpriced.cost_usd.reset();
  total += unpriced;
  EXPECT_EQ(total.in_flight, 32);
  EXPECT_EQ(total.done, 1624);
  EXPECT_DOUBLE_EQ(*total.cost_usd, 0.0123);
}

}  // namespace
}  // namespace arbiter
