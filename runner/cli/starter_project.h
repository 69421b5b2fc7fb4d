// The files `arbiter init` writes: a small project that `arbiter validate` and `arbiter run`
// accept as it is, for a new user to change rather than to write from nothing.
#pragma once

#include <string_view>
#include <vector>

namespace arbiter {

struct StarterFile {
  std::string_view path;  // relative to the project folder
  std::string_view contents;
};

// In the order `init` writes and lists them.
const std::vector<StarterFile>& StarterProject();

}  // namespace arbiter
