#include "runner/base/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include <signal.h>
#include <unistd.h>

namespace arbiter {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

// Removes `path`.tmp.PID files left by a process that is gone (killed with -9, say): another
// run into the same folder would otherwise keep them forever. A live process's file (a run in
// progress) is left alone.
void RemoveStaleTemps(const std::filesystem::path& path) {
  const std::string prefix = path.filename().string() + ".tmp.";
  std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    std::string name = entry.path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    std::string digits = name.substr(prefix.size());
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid == ::getpid() || pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    std::filesystem::remove(entry.path(), ignored);
  }
}

// What an existing `path` is, for a refusal: the renamed file would replace it.
std::string KindOf(std::filesystem::file_status status) {
  switch (status.type()) {
    case std::filesystem::file_type::directory:
      return "a folder";
    case std::filesystem::file_type::fifo:
      return "a named pipe";
    case std::filesystem::file_type::character:
    case std::filesystem::file_type::block:
      return "a device";
    case std::filesystem::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

}  // namespace

Result<std::filesystem::path> OutputFileTarget(const std::filesystem::path& path) {
  if (path.empty() || path == "-") {
    return Status::InvalidArgument("output '" + path.string() +
                                   "': outputs are written to files, not to standard output; "
                                   "name a file");
  }
  std::error_code error;
  std::filesystem::file_status status = std::filesystem::symlink_status(path, error);
  if (error || !std::filesystem::exists(status)) return path;
  std::filesystem::path target = path;
  if (std::filesystem::is_symlink(status)) {
    target = std::filesystem::weakly_canonical(path, error);
    if (error) {
      return Status::InvalidArgument(path.string() +
                                     ": cannot follow the link: " + error.message());
    }
    status = std::filesystem::status(target, error);
    if (error || !std::filesystem::exists(status)) return target;  // a link to a file to make
  }
  if (!std::filesystem::is_regular_file(status)) {
    return Status::InvalidArgument(
        path.string() + ": is " + KindOf(status) +
        "; an output is written beside its target and renamed over it, which would replace " +
        (path == target ? "it" : target.string()) + ": name a regular file");
  }
  return target;
}

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::filesystem::path& requested) {
  ARBITER_ASSIGN_OR_RETURN(std::filesystem::path path, OutputFileTarget(requested));
  // `--out out/sample.jsonl` on a fresh checkout: the folder is made, as `run --out DIR` does.
  if (path.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
      return Status::IoError(path.string() + ": cannot create its folder: " + error.message());
    }
  }
  RemoveStaleTemps(path);
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
