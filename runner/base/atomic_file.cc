#include "runner/base/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include <unistd.h>

namespace arbiter {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::filesystem::path& path) {
  // `--out out/sample.jsonl` on a fresh checkout: the folder is made, as `run --out DIR` does.
  if (path.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
      return Status::IoError(path.string() + ": cannot create its folder: " + error.message());
    }
  }
  std::filesystem::path temp = path;
  temp += ".tmp." + std::to_string(::getpid());
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (!file) return Status::IoError(path.string() + ": cannot write: " + ErrnoText());
  std::setvbuf(file, nullptr, _IOFBF, 1 << 20);
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, std::move(temp), file));
}

AtomicFile::~AtomicFile() {
  if (file_) {
    std::fclose(file_);
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
  }
}

Status AtomicFile::Append(std::string_view bytes) {
  if (!error_.ok()) return error_;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    error_ = Status::IoError(path_.string() + ": write failed: " + ErrnoText());
  }
  return error_;
}

Status AtomicFile::Commit() {
  if (!error_.ok()) return error_;
  bool flushed = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  std::string flush_error = flushed ? "" : ErrnoText();
  bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed) {
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
    return Status::IoError(path_.string() +
                           ": write failed: " + (flushed ? ErrnoText() : flush_error));
  }
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    Status status = Status::IoError(path_.string() + ": cannot rename into place: " + ErrnoText());
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
    return status;
  }
  return Status::OK();
}

Status WriteFileAtomic(const std::filesystem::path& path, std::string_view contents) {
  ARBITER_ASSIGN_OR_RETURN(auto file, AtomicFile::Create(path));
  ARBITER_RETURN_IF_ERROR(file->Append(contents));
  return file->Commit();
}

}  // namespace arbiter
