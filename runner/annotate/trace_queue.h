// The annotation queue (issue 17): any JSONL trace file (a triage queue, a sample, raw traces),
// indexed by line offsets when opened and parsed one trace at a time when served, so a queue of
// 100,000 traces opens in well under a second.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runner/base/status.h"

namespace arbiter {

class TraceQueue {
 public:
  // Maps `path` and records where each trace's line starts. Only each line's top-level
  // `trace_id` is read (simdjson on demand skips the rest); a blank line is passed over, and a
  // line without a trace id, or whose id came before, is skipped with a "file:line: reason;
  // skipped" message in skipped(). A file that cannot be read, or that holds no trace, is an
  // error. A gzip or OTLP/JSON file is first read through the trace reader (OTLP spans
  // assembled into traces) into an unlinked temporary file of plain lines; messages still name the
  // given file and its lines.
  static Result<std::unique_ptr<TraceQueue>> Open(const std::filesystem::path& path);
  ~TraceQueue();
  TraceQueue(const TraceQueue&) = delete;
  TraceQueue& operator=(const TraceQueue&) = delete;

  const std::string& path() const { return path_; }
  size_t size() const { return entries_.size(); }
  // The line of queue entry `i` (REQUIRES: i < size()), without its newline.
  std::string_view Line(size_t i) const;
  const std::string& TraceId(size_t i) const { return entries_[i].trace_id; }
  uint64_t LineNumber(size_t i) const { return entries_[i].line; }
  std::optional<size_t> Find(std::string_view trace_id) const;
  const std::vector<std::string>& skipped() const { return skipped_; }

 private:
  TraceQueue() = default;
  struct Entry {
    uint64_t offset = 0;
    uint32_t length = 0;
    uint64_t line = 0;
    std::string trace_id;
  };
  std::string path_;
  const char* data_ = nullptr;
  size_t mapped_ = 0;
  std::vector<Entry> entries_;
  std::unordered_map<std::string_view, size_t> by_id_;
  std::vector<std::string> skipped_;
};

}  // namespace arbiter
