// Outputs are written atomically: into a temporary file beside the target, renamed over it
// once complete, so a crash or Ctrl-C never leaves a half-written report that CI might read.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "runner/base/status.h"

namespace arbiter {

// Writes `contents` to `path` atomically.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view contents);

// The file that an output `path` writes: `path` itself, or, for a symbolic link, the file it
// points to (the link stays, as with the shell's `>`). InvalidArgument for "-" and "", and for
// an existing path that is not a regular file (a named pipe, a device such as /dev/full, a
// folder, a socket): the renamed file would replace it, not write into it.
Result<std::filesystem::path> OutputFileTarget(const std::filesystem::path& path);

// A file written incrementally and published with Commit(). Missing parent folders are created.
// The temporary file is `path`.tmp.PID (beside the link's target for a link, OutputFileTarget);
// Create removes those of processes that no longer exist. Destroyed without Commit(), the
// temporary file is removed and `path` keeps whatever it held before.
class AtomicFile {
 public:
  static Result<std::unique_ptr<AtomicFile>> Create(const std::filesystem::path& path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status Append(std::string_view bytes);
  // Flushes, fsyncs and renames the temporary file over `path`.
  Status Commit();

 private:
  AtomicFile(std::filesystem::path path, std::filesystem::path temp, std::FILE* file)
      : path_(std::move(path)), temp_(std::move(temp)), file_(file) {}
  std::filesystem::path path_;
  std::filesystem::path temp_;
  std::FILE* file_;
  Status error_;
};

}  // namespace arbiter
