// Reads a file line by line in constant memory: plain files, `.gz` files (zlib, detected from the
// content) and `-` for standard input. A line longer than the limit is reported, not buffered.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runner/base/input_hash.h"
#include "runner/base/status.h"

namespace arbiter {

struct Line {
  std::string_view text;   // without the trailing '\n' (and '\r'); valid until the next Next()
  uint64_t number = 0;     // 1-based
  bool oversized = false;  // longer than max_line_bytes: `text` is empty, the line was skipped
  size_t length = 0;       // the line's full length in bytes, also when oversized
};

// The UTF-8 byte-order mark that Excel and some Windows editors write at the start of a file. It is
// not text: readers drop it from the start of a file rather than let it break the first line.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The '\n' bytes among the first `end` bytes of the open file `fd` (fewer when it is shorter),
// read with pread(2): the line number at which a range of the file starts (`run --shard`), so
// that a shard's messages and trace_errors.jsonl name the file's own lines. A shard far into a
// large file reads much more before its range than in it (shard 15 of 16: fifteen times), so
// the count is spread over up to `threads` threads of its own, each counting one piece of at
// least 16 MiB.
uint64_t CountNewlinesBefore(int fd, uint64_t end, size_t threads = 1);
// CPU seconds spent so far by CountNewlinesBefore's threads in this process, and the most
// threads one count used: a row of `run --stage-times`.
double NewlineCountThreadCpuSeconds();
size_t NewlineCountThreadsUsed();

class LineReader {
 public:
  static constexpr size_t kDefaultMaxLineBytes = 16 << 20;

  // `path` is a file name or "-" for standard input. With `hash`, keeps the input hash of
  // InputHash() (input_hash.h); only commands that report it ask (it costs as much as parsing).
  static Result<std::unique_ptr<LineReader>> Open(const std::string& path,
                                                  size_t max_line_bytes = kDefaultMaxLineBytes,
                                                  std::optional<InputHashSpec> hash = std::nullopt);
  // Reads only the lines of a plain (uncompressed) file that start in the byte range
  // [begin, end): the part of a file that one shard of a run scores (`run --shard`). A line
  // belongs to the range where its first byte is, so the ranges of a partition of the file read
  // every line exactly once. Line numbers are the file's own: the bytes before `begin` are
  // counted for their newlines. No hash (a shard's range is not the input).
  static Result<std::unique_ptr<LineReader>> OpenRange(
      const std::string& path, uint64_t begin, uint64_t end,
      size_t max_line_bytes = kDefaultMaxLineBytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line; false at the end of input or on a read error (see status()). A byte-order mark
  // at the start of the input is not part of line 1 (it still counts in InputHash()).
  bool Next(Line& line);
  // Makes the next Next() return the line it returned last (one line of look-ahead, used to
  // detect the format). REQUIRES: Next() returned true and PushBack() was not called since.
  void PushBack() { pushed_back_ = true; }
  // OK, or the read error that stopped Next().
  const Status& status() const { return status_; }
  const std::string& path() const { return path_; }
  size_t max_line_bytes() const { return max_line_bytes_; }
  // The input's bytes behind the lines returned so far, for a progress display: for a `.gz`
  // file the compressed bytes read (ahead of the lines by up to the read buffer, 256 KiB); for a
  // range (OpenRange), the bytes from its start.
  uint64_t BytesConsumed() const;
  // The input hash (lowercase hex) of every byte read (after gzip decompression). Call once
  // Next() has returned false without an error; later calls return the same. "" when opened
  // without `hash`.
  std::string InputHash();

 private:
  LineReader(std::string path, void* gz, size_t max_line_bytes, std::optional<InputHashSpec> hash);
  LineReader(std::string path, int fd, uint64_t begin, uint64_t end, size_t max_line_bytes);
  bool NextLine(Line& line);
  bool Fill();  // reads more input into buffer_; false at EOF or error

  std::string path_;
  void* gz_;           // gzFile; transparent for uncompressed input; null for a range (OpenRange)
  int fd_ = -1;        // OpenRange: the plain file, read with read(2)
  uint64_t base_ = 0;  // OpenRange: the file offset of buffer_[0]
  uint64_t range_begin_ = 0;         // OpenRange: where the range starts
  uint64_t range_end_ = UINT64_MAX;  // OpenRange: lines starting at or after it are not read
  size_t max_line_bytes_;
  std::string buffer_;
  // Bytes asked for by the next read: 64 KiB first, doubling to 1 MiB, so that a small file (a
  // label set, a one-trace test input) does not cost a zeroed megabyte.
  size_t read_bytes_ = 64 << 10;
  size_t begin_ = 0;  // start of unread data in buffer_
  size_t end_ = 0;    // end of valid data in buffer_
  bool eof_ = false;
  uint64_t line_number_ = 0;
  Line last_;
  bool pushed_back_ = false;
  Status status_;
  std::unique_ptr<InputHasher> hasher_;  // null without `hash`, and once finished
  std::string hash_;                     // once finished
};

}  // namespace arbiter
