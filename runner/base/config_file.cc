#include "runner/base/config_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace arbiter {

Result<std::string> ReadConfigFile(const std::filesystem::path& path) {
  // O_NONBLOCK: opening a FIFO for reading would wait for a writer. Checked on the descriptor,
  // not the path, so what is read is what was checked.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Status::InvalidArgument(std::strerror(errno));
  struct stat info {};
  std::string reason;
  if (::fstat(fd, &info) != 0) {
    reason = std::strerror(errno);
  } else if (S_ISDIR(info.st_mode)) {
    reason = "is a directory";
  } else if (!S_ISREG(info.st_mode)) {
    reason = "not a regular file (a device, FIFO or socket)";
  } else if (static_cast<uintmax_t>(info.st_size) > kMaxConfigFileBytes) {
    reason = std::to_string(info.st_size) + " bytes, more than the " +
             std::to_string(kMaxConfigFileBytes >> 20) + " MiB a configuration file may hold";
  }
  if (!reason.empty()) {
    ::close(fd);
    return Status::InvalidArgument(reason);
  }
  std::string text;
  char buffer[65536];
  ssize_t n = 0;
  // Bounded again while reading: a file that grows after the check stops at the cap.
  while (text.size() <= kMaxConfigFileBytes && (n = ::read(fd, buffer, sizeof buffer)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return Status::IoError(std::string("read error: ") + std::strerror(errno));
    }
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  if (text.size() > kMaxConfigFileBytes) {
    return Status::InvalidArgument("more than the " + std::to_string(kMaxConfigFileBytes >> 20) +
                                   " MiB a configuration file may hold");
  }
  return text;
}

}  // namespace arbiter
