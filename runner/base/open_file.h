// Opening a file for reading, its failure as a value: "PATH: cannot open: REASON", NotFound for
// a missing file (the user's to fix, exit 2) and IoError for any other failure (runtime).
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>

#include "runner/base/status.h"

namespace arbiter {

inline Result<int> OpenForReading(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) return fd;
  const int error = errno;
  std::string message = path + ": cannot open: " + std::strerror(error);
  return error == ENOENT ? Status::NotFound(message) : Status::IoError(message);
}

}  // namespace arbiter
