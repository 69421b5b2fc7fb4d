// The numbers and cells of the reports people read (scorecard.md, gate.md, report.html, the
// sampling plan, calibration.md, the triage reasons, the command lines' summaries). One set of
// formatters, so that the same figure reads the same in every report and a change of style is
// one edit here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace arbiter {

// Decimal places kept in the figures the JSON reports write (scorecard.json, gate.json,
// calibration.json, the sampling plan): 0.9234.
inline constexpr int kDigits = 4;

// A pass rate over fewer traces than this is too noisy to read: reports show such cells muted
// (the scorecard's and the gate's strata in report.html).
inline constexpr uint64_t kSmallCell = 30;

// Whether a percentage shows "+" before a positive value (a change, such as the gate's delta).
enum class Sign { kNegativeOnly, kAlways };

// A fraction as a percentage with one decimal: 0.9234 -> "92.3%", or "+92.3%" with kAlways.
std::string PercentText(double fraction, Sign sign = Sign::kNegativeOnly);

// An interval of fractions as percentages: (0.9, 0.95) -> "[90.0%, 95.0%]".
std::string IntervalText(double low, double high, Sign sign = Sign::kNegativeOnly);

// A figure with `decimals` decimal places: (0.8234, 2) -> "0.82"; "-" for no value.
std::string FigureText(double value, int decimals);
std::string FigureText(std::optional<double> value, int decimals);

// A count with thousands separators: 7950 -> "7,950"; non-integral values are rounded.
std::string CountText(double value);

// A count and its noun, singular for one: (1, "trace") -> "1 trace", (3, "trace") -> "3 traces".
// For nouns whose plural adds an "s".
std::string Plural(uint64_t n, std::string_view noun);

// A number a person wrote (a rate, a cost) in its shortest round-trip form: "1000", "0.05",
// "1e+21".
std::string NumberText(double value);

// `text` safe inside a Markdown table cell: '|' escaped, line breaks as spaces, and '<', '>',
// '&' as HTML entities so that untrusted text never becomes markup where Markdown is rendered;
// other control bytes but tab (C0 and DEL) as "\x1b" so that it never drives a terminal either.
std::string MarkdownCell(std::string_view text);

}  // namespace arbiter
