// "did you mean ...?" for mistyped names (commands, plugins).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace arbiter {

// The candidate closest to `name` by edit distance, or "" when none is within 2 edits.
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace arbiter
