// The pass-rate texts scorecard.md and report.html share (scorecard.cc, scorecard_html.cc).
#pragma once

#include <cstdint>
#include <string>

#include "runner/base/report_text.h"
#include "runner/stats/stats.h"

namespace arbiter::scorecard_text {

// "92.3%", or "n/a" when nothing was judged.
inline std::string Percent(uint64_t passes, uint64_t n) {
  if (n == 0) return "n/a";
  return PercentText(static_cast<double>(passes) / static_cast<double>(n));
}

// The Wilson 95% interval, "[89.3%, 94.1%]"; "" when nothing was judged.
inline std::string WilsonText(uint64_t passes, uint64_t n) {
  if (n == 0) return "";
  auto [low, high] = WilsonInterval(static_cast<double>(passes), static_cast<double>(n));
  return IntervalText(low, high);
}

}  // namespace arbiter::scorecard_text
