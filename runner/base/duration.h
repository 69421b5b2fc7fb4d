// Durations as users write them in flags and policies: a whole number and a unit, "500ms", "30s",
// "10m", "1h", "1d" (several parts add: "1h30m"). Kept in milliseconds.
#pragma once

#include <cstdint>
#include <string_view>

#include "runner/base/status.h"

namespace arbiter {

// InvalidArgument naming the text when it is empty, has no unit, an unknown unit, or overflows.
Result<uint64_t> ParseDurationMs(std::string_view text);

}  // namespace arbiter
