// A temporary file for data that would otherwise sit in memory until the end of a pass (triage's
// session turns): removed from the directory as soon as it is created, so nothing is left
// behind however the process ends. Written with stdio's buffering, then read back in order.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "runner/base/status.h"

namespace arbiter {

class ScratchFile {
 public:
  // A new empty file under std::filesystem::temp_directory_path() ($TMPDIR).
  static Result<std::unique_ptr<ScratchFile>> Create(const std::string& prefix);
  ~ScratchFile();
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  Status Write(const void* data, size_t size);
  // Starts reading from the beginning (after writing).
  Status Rewind();
  // Reads up to `size` bytes; fewer only at the end of the file.
  Result<size_t> Read(void* data, size_t size);

 private:
  explicit ScratchFile(std::FILE* file) : file_(file) {}
  std::FILE* file_;
};

}  // namespace arbiter
