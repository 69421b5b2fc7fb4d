#include "runner/cli/progress_line.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "runner/base/report_text.h"

namespace arbiter {
namespace {

template <typename... Args>
std::string Format(const char* format, Args... args) {
  char text[64];
  std::snprintf(text, sizeof text, format, args...);
  return text;
}

// Decimal units, as file managers and `ls -h --si` show sizes.
std::string Bytes(uint64_t bytes) {
  double value = static_cast<double>(bytes);
  if (value < 1e3) return Format("%.0f B", value);
  if (value < 1e6) return Format("%.1f kB", value / 1e3);
  if (value < 1e9) return Format("%.1f MB", value / 1e6);
  return Format("%.2f GB", value / 1e9);
}

// "42 s", "3:05", "1:02:03": a clock's reading past a minute, which reads at a glance.
std::string Duration(double seconds) {
  if (seconds < 59.5) return Format("%.0f s", std::max(0.0, seconds));
  auto total = static_cast<long long>(std::llround(seconds));
  if (total < 3600) return Format("%lld:%02lld", total / 60, total % 60);
  return Format("%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
}

// Time so far: tenths while short, where whole seconds would read "0 s".
std::string Elapsed(double seconds) {
  return seconds < 9.95 ? Format("%.1f s", std::max(0.0, seconds)) : Duration(seconds);
}

std::string Rate(const ProgressFigures& figures) {
  double rate = figures.seconds > 0 ? static_cast<double>(figures.traces) / figures.seconds : 0;
  return Format("%.0f traces/s", rate);
}

// "16 in flight, 812 done, 3 retried, 2 rate-limited, 0 failed, $0.0123"
std::string JudgeCalls(const LiveCalls& calls, bool in_flight) {
  std::string text;
  if (in_flight) text += std::to_string(calls.in_flight) + " in flight, ";
  text += std::to_string(calls.done) + " done, " + std::to_string(calls.retried) + " retried, " +
          std::to_string(calls.rate_limited) + " rate-limited, " + std::to_string(calls.failed) +
          " failed";
  if (calls.cost_usd) text += Format(", $%.4f", *calls.cost_usd);
  return text;
}

// The share of the bytes read, when the total is known (and not 0).
std::optional<double> Share(const ProgressFigures& figures) {
  if (!figures.total_bytes || *figures.total_bytes == 0) return std::nullopt;
  return std::min(1.0,
                  static_cast<double>(figures.bytes) / static_cast<double>(*figures.total_bytes));
}

// The time left at the rate so far; "--" until a first batch has been read.
std::string Eta(const ProgressFigures& figures, double share) {
  if (share <= 0 || figures.seconds <= 0) return "ETA --";
  return "ETA " + Duration(figures.seconds * (1 - share) / share);
}

}  // namespace

std::string FormatProgressLine(const ProgressFigures& figures, int width) {
  const size_t limit = static_cast<size_t>(std::max(width, 20) - 1);
  std::string head, tail;
  std::optional<double> share = Share(figures);
  if (figures.stage == ProgressFigures::Stage::kWriting) {
    head = "writing outputs...";
    tail = "  " + Plural(figures.traces, "trace") + " scored in " + Elapsed(figures.seconds);
  } else if (share) {
    head = Format("scoring %3.0f%%", std::floor(*share * 100));
    tail = " " + Bytes(figures.bytes) + " of " + Bytes(*figures.total_bytes) + "  " +
           Plural(figures.traces, "trace") + "  " + Rate(figures) + "  " + Eta(figures, *share);
  } else {
    head = "scoring";
    tail = "  " + Bytes(figures.bytes) + "  " + Plural(figures.traces, "trace") + "  " +
           Rate(figures) + "  " + Elapsed(figures.seconds);
  }
  if (figures.judge) tail += "  judge: " + JudgeCalls(*figures.judge, /*in_flight=*/true);

  // The bar takes what room is left, up to 30 columns; under 10 it says too little to keep.
  std::string bar;
  size_t used = head.size() + tail.size() + 3;  // " [" and "]"
  if (share && figures.stage == ProgressFigures::Stage::kScoring && used + 10 <= limit) {
    size_t columns = std::min<size_t>(30, limit - used);
    auto filled = static_cast<size_t>(*share * static_cast<double>(columns));
    bar = " [" + std::string(filled, '#') + std::string(columns - filled, '.') + "]";
  }
  std::string line = head + bar + tail;
  if (line.size() > limit) line.resize(limit);
  return line;
}

std::string FormatProgressSummary(const ProgressFigures& figures) {
  std::string line = "done: " + Bytes(figures.bytes) + ", " + Plural(figures.traces, "trace") +
                     " in " + Elapsed(figures.seconds) + " (" + Rate(figures) + ")";
  if (figures.judge) line += "; judge: " + JudgeCalls(*figures.judge, /*in_flight=*/false);
  return line;
}

}  // namespace arbiter
