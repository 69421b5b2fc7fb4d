#include "runner/base/report_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "runner/base/text_table.h"

namespace arbiter {

std::string PercentText(double fraction, Sign sign) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), sign == Sign::kAlways ? "%+.1f%%" : "%.1f%%",
                100.0 * fraction);
  return buffer;
}

std::string IntervalText(double low, double high, Sign sign) {
  return "[" + PercentText(low, sign) + ", " + PercentText(high, sign) + "]";
}

std::string FigureText(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

std::string FigureText(std::optional<double> value, int decimals) {
  return value ? FigureText(*value, decimals) : "-";
}

std::string Plural(uint64_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

std::string CountText(double value) {
  long long rounded = std::llround(value);
  std::string digits = std::to_string(rounded < 0 ? -rounded : rounded);
  std::string out = rounded < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string NumberText(double value) {
  char buffer[32];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, ptr - buffer);
}

std::string MarkdownCell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '<') {
      // Trace text is untrusted: a Markdown viewer (a pull-request comment) renders raw HTML.
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
      // Other control bytes (ESC above all) would reach the terminal of whoever runs
      // `cat scorecard.md`: shown as a visible escape instead, "\x1b".
      AppendVisibleControl(out, c);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace arbiter
