// Reading a configuration file (suite, evaluator, policy, Lua script, JSON schema, rubric):
// bounded, and only from a regular file. A path naming /dev/zero or a FIFO once read forever.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "runner/base/status.h"

namespace arbiter {

// The most bytes a configuration file may hold. Real ones are a few kilobytes.
inline constexpr uintmax_t kMaxConfigFileBytes = uintmax_t{16} << 20;

// The file's bytes. Errors carry only the reason, for the caller to put after the file's name:
// strerror's text when it cannot be opened ("No such file or directory"), "is a directory",
// "not a regular file (a device, FIFO or socket)", or "N bytes, more than the 16 MiB a
// configuration file may hold" (InvalidArgument; IoError for a failed read).
Result<std::string> ReadConfigFile(const std::filesystem::path& path);

}  // namespace arbiter
