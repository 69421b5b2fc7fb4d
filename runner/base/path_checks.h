// What a path names, asked without exceptions. std::filesystem's one-argument exists(),
// is_regular_file() and is_directory() throw filesystem_error when the answer cannot be had: a
// name component over 255 bytes ("File name too long", found by the config_yaml fuzzer in a
// suite's evaluator list), a loop of links, a folder without search permission. For a path from
// a user's file or flag that is an abort; these say false instead, and the caller's own "not
// found" message names the path.
#pragma once

#include <filesystem>
#include <system_error>

namespace arbiter {

inline bool PathExists(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::exists(path, error) && !error;
}

inline bool IsRegularFile(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_regular_file(path, error) && !error;
}

inline bool IsDirectory(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_directory(path, error) && !error;
}

}  // namespace arbiter
