// Text shared by the reports people read (scorecard.md, gate.md, the sampling plan).
#pragma once

#include <string>
#include <string_view>

namespace arbiter {

// A fraction as a percentage with one decimal: 0.9234 -> "92.3%".
std::string PercentText(double fraction);

// `text` safe inside a Markdown table cell: '|' escaped, line breaks as spaces.
std::string MarkdownCell(std::string_view text);

}  // namespace arbiter
