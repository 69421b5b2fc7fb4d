#include "runner/base/duration.h"

#include <limits>
#include <string>

namespace arbiter {

Result<uint64_t> ParseDurationMs(std::string_view text) {
  auto bad = [&](const char* why) {
    return Status::InvalidArgument("duration '" + std::string(text) + "': " + why +
                                   " (write e.g. 500ms, 30s, 10m, 1h)");
  };
  if (text.empty()) return bad("empty");
  uint64_t total = 0;
  size_t at = 0;
  while (at < text.size()) {
    uint64_t number = 0;
    size_t digits = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (number > (std::numeric_limits<uint64_t>::max() - 9) / 10) return bad("too long");
      number = number * 10 + static_cast<uint64_t>(text[at] - '0');
      ++at;
      ++digits;
    }
    if (digits == 0) return bad("a number must come first");
    size_t unit_start = at;
    while (at < text.size() && ((text[at] >= 'a' && text[at] <= 'z'))) ++at;
    std::string_view unit = text.substr(unit_start, at - unit_start);
    uint64_t scale = 0;
    if (unit == "ms") scale = 1;
    if (unit == "s") scale = 1000;
    if (unit == "m") scale = 60 * 1000;
    if (unit == "h") scale = 3600 * 1000;
    if (unit == "d") scale = 24 * 3600 * 1000;
    if (unit.empty()) return bad("no unit");
    if (scale == 0) return bad("unknown unit");
    if (number > (std::numeric_limits<uint64_t>::max() - total) / scale) return bad("too long");
    total += number * scale;
  }
  return total;
}

}  // namespace arbiter
