#include "runner/triage/scratch_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <unistd.h>

namespace arbiter {
namespace {

Status Failed(const char* what) {
  return Status::IoError(std::string("scratch file: cannot ") + what + ": " + std::strerror(errno));
}

}  // namespace

Result<std::unique_ptr<ScratchFile>> ScratchFile::Create(const std::string& prefix) {
  std::error_code error;
  std::filesystem::path directory = std::filesystem::temp_directory_path(error);
  if (error) return Status::IoError("no temporary directory: " + error.message());
  std::string path = (directory / (prefix + "-XXXXXX")).string();
  int fd = mkstemp(path.data());
  if (fd < 0) return Status::IoError(path + ": cannot create: " + std::strerror(errno));
  unlink(path.c_str());  // the descriptor keeps it while needed
  std::FILE* file = fdopen(fd, "w+b");
  if (!file) {
    close(fd);
    return Failed("open");
  }
  return std::unique_ptr<ScratchFile>(new ScratchFile(file));
}

ScratchFile::~ScratchFile() { std::fclose(file_); }

Status ScratchFile::Write(const void* data, size_t size) {
  if (std::fwrite(data, 1, size, file_) != size) return Failed("write");
  return Status::OK();
}

Status ScratchFile::Rewind() {
  if (std::fflush(file_) != 0) return Failed("write");
  if (std::fseek(file_, 0, SEEK_SET) != 0) return Failed("seek");
  return Status::OK();
}

Result<size_t> ScratchFile::Read(void* data, size_t size) {
  size_t n = std::fread(data, 1, size, file_);
  if (n < size && std::ferror(file_)) return Failed("read");
  return n;
}

}  // namespace arbiter
