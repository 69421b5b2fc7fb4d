// The report formatters: every report's numbers come from these, so their exact text is pinned.
#include "runner/base/report_text.h"

#include <optional>

#include <gtest/gtest.h>

namespace arbiter {
namespace {

TEST(PercentTextTest, OneDecimal) {
  EXPECT_EQ(PercentText(0.9234), "92.3%");
  EXPECT_EQ(PercentText(1.0), "100.0%");
  EXPECT_EQ(PercentText(0.0), "0.0%");
  EXPECT_EQ(PercentText(-0.0512), "-5.1%");
}

TEST(PercentTextTest, SignedShowsPlusOnPositiveValues) {
  EXPECT_EQ(PercentText(0.012, Sign::kAlways), "+1.2%");
  EXPECT_EQ(PercentText(-0.012, Sign::kAlways), "-1.2%");
  EXPECT_EQ(PercentText(0.0, Sign::kAlways), "+0.0%");
}

TEST(IntervalTextTest, BothEndsAsPercentages) {
  EXPECT_EQ(IntervalText(0.9, 0.95), "[90.0%, 95.0%]");
  EXPECT_EQ(IntervalText(-0.031, 0.004, Sign::kAlways), "[-3.1%, +0.4%]");
}

TEST(FigureTextTest, GivenDecimals) {
  EXPECT_EQ(FigureText(0.8234, 2), "0.82");
  EXPECT_EQ(FigureText(0.8234, 1), "0.8");
  EXPECT_EQ(FigureText(2.5, 0), "2");  // printf rounds half to even
  EXPECT_EQ(FigureText(-0.125, 3), "-0.125");
}

TEST(FigureTextTest, NoValueIsADash) {
  EXPECT_EQ(FigureText(std::optional<double>(), 2), "-");
  EXPECT_EQ(FigureText(std::optional<double>(0.5), 2), "0.50");
}

TEST(CountTextTest, ThousandsSeparators) {
  EXPECT_EQ(CountText(0), "0");
  EXPECT_EQ(CountText(999), "999");
  EXPECT_EQ(CountText(7950), "7,950");
  EXPECT_EQ(CountText(1234567), "1,234,567");
  EXPECT_EQ(CountText(-1234), "-1,234");
}

TEST(CountTextTest, RoundsNonIntegralValues) {
  EXPECT_EQ(CountText(999.5), "1,000");
  EXPECT_EQ(CountText(12.4), "12");
}

TEST(PluralTest, OneIsSingularEveryOtherCountPlural) {
  EXPECT_EQ(Plural(1, "evaluator"), "1 evaluator");
  EXPECT_EQ(Plural(0, "trace"), "0 traces");
  EXPECT_EQ(Plural(2, "broken trace"), "2 broken traces");
}

TEST(NumberTextTest, ShortestRoundTrip) {
  EXPECT_EQ(NumberText(1000), "1000");
  EXPECT_EQ(NumberText(0.05), "0.05");
  EXPECT_EQ(NumberText(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(NumberText(1e21), "1e+21");
}

TEST(MarkdownCellTest, EscapesPipesAndFlattensLines) {
  EXPECT_EQ(MarkdownCell("a|b\nc"), "a\\|b c");
  EXPECT_EQ(MarkdownCell("<img src=x onerror=alert(1)> & co"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; co");
}

TEST(MarkdownCellTest, ControlBytesBecomeVisibleEscapes) {
  // A stratum value from trace metadata once reached `cat scorecard.md` as a terminal escape.
  EXPECT_EQ(MarkdownCell("\x1b]0;owned\x07\x1b[2J red"), "\\x1b]0;owned\\x07\\x1b[2J red");
  EXPECT_EQ(MarkdownCell(std::string("a\0b\x7f\x01", 5)), "a\\x00b\\x7f\\x01");
  EXPECT_EQ(MarkdownCell("tab\tstays, r\u00e9sum\u00e9 too"), "tab\tstays, r\u00e9sum\u00e9 too");
  EXPECT_EQ(MarkdownCell("a\r\nb"), "a  b");
}

TEST(DigitsTest, FourDecimalPlaces) { EXPECT_EQ(kDigits, 4); }

}  // namespace
}  // namespace arbiter
