#include "runner/base/line_reader.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "runner/base/open_file.h"
#include "runner/base/thread_cpu.h"

namespace arbiter {
namespace {
constexpr size_t kChunk = 1 << 20;

// A pipe holds 64 KiB by default, so a fast writer and this reader take turns every few traces,
// a wake-up and two context switches each time. Ask for the largest pipe the system allows; for
// a file or a terminal the call fails and changes nothing.
void WidenPipe(int fd) {
  static const int kPipeBytes = [] {
    int bytes = 1 << 20;
    if (std::FILE* max = std::fopen("/proc/sys/fs/pipe-max-size", "r")) {
      if (std::fscanf(max, "%d", &bytes) != 1) bytes = 1 << 20;
      std::fclose(max);
    }
    return bytes;
  }();
  fcntl(fd, F_SETPIPE_SZ, kPipeBytes);
}

}  // namespace

Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path, size_t max_line_bytes,
                                                     std::optional<InputHashSpec> hash) {
  gzFile gz = nullptr;
  if (path == "-") {
    int fd = dup(STDIN_FILENO);
    if (fd < 0)
      return Status::IoError("-: cannot read standard input: " + std::string(strerror(errno)));
    WidenPipe(fd);
    gz = gzdopen(fd, "rb");
  } else {
    gz = gzopen(path.c_str(), "rb");
    if (!gz) {
      std::string message =
          path + ": cannot open: " + std::string(errno ? strerror(errno) : "out of memory");
      // A missing file is the user's to fix (exit 2); any other failure to open is runtime.
      return errno == ENOENT ? Status::NotFound(message) : Status::IoError(message);
    }
  }
  if (!gz) return Status::IoError(path + ": cannot open");
  gzbuffer(gz, 256 * 1024);
  return std::unique_ptr<LineReader>(new LineReader(path, gz, max_line_bytes, hash));
}

namespace {

std::atomic<uint64_t> newline_count_cpu_nanos{0};
std::atomic<size_t> newline_count_threads{0};

// The newlines in bytes [from, to) of `fd`, on the calling thread.
uint64_t CountNewlinesIn(int fd, uint64_t from, uint64_t to) {
  std::string chunk(std::min<uint64_t>(kChunk, to - from), '\0');
  uint64_t newlines = 0;
  for (uint64_t offset = from; offset < to;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(chunk.size(), to - offset));
    ssize_t n = ::pread(fd, chunk.data(), want, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // a file shorter than its planned range: nothing of it is ours
    for (const char *p = chunk.data(), *stop = p + n;
         (p = static_cast<const char*>(std::memchr(p, '\n', stop - p))); ++p) {
      ++newlines;
    }
    offset += static_cast<uint64_t>(n);
  }
  return newlines;
}

}  // namespace

uint64_t CountNewlinesBefore(int fd, uint64_t end, size_t threads) {
  if (end == 0) return 0;
  constexpr uint64_t kMinPiece = 16 << 20;
  const size_t pieces = static_cast<size_t>(
      std::clamp<uint64_t>(std::min<uint64_t>(threads, end / kMinPiece), 1, 256));
  std::vector<uint64_t> counts(pieces, 0);
  std::vector<std::thread> counting;
  for (size_t i = 0; i < pieces; ++i) {
    counting.emplace_back([&, i] {
      counts[i] = CountNewlinesIn(fd, end * i / pieces, end * (i + 1) / pieces);
      newline_count_cpu_nanos += ThreadCpuNanos();
    });
  }
  for (std::thread& thread : counting) thread.join();
  size_t used = newline_count_threads.load();
  while (used < pieces && !newline_count_threads.compare_exchange_weak(used, pieces)) {
  }
  uint64_t newlines = 0;
  for (uint64_t count : counts) newlines += count;
  return newlines;
}

double NewlineCountThreadCpuSeconds() {
  return static_cast<double>(newline_count_cpu_nanos.load()) / 1e9;
}

size_t NewlineCountThreadsUsed() { return newline_count_threads.load(); }

Result<std::unique_ptr<LineReader>> LineReader::OpenRange(const std::string& path, uint64_t begin,
                                                          uint64_t end, size_t max_line_bytes) {
  ARBITER_ASSIGN_OR_RETURN(const int fd, OpenForReading(path));
  // The line that holds byte begin - 1 started in an earlier range; count the newlines before it
  // so that line numbers stay the file's.
  const uint64_t newlines = begin > 0 ? CountNewlinesBefore(fd, begin - 1) : 0;
  if (begin > 0) {
    if (::lseek(fd, static_cast<off_t>(begin - 1), SEEK_SET) < 0) {
      std::string message = path + ": cannot seek: " + strerror(errno);
      ::close(fd);
      return Status::IoError(message);
    }
  }
  std::unique_ptr<LineReader> reader(
      new LineReader(path, fd, begin > 0 ? begin - 1 : 0, end, max_line_bytes));
  if (begin > 0) {
    Line partial;
    reader->NextLine(partial);  // the end of the line that an earlier range reads
    if (!reader->status().ok()) return reader->status();
    reader->line_number_ = newlines + 1;
  }
  reader->range_begin_ = begin;
  return reader;
}

LineReader::LineReader(std::string path, int fd, uint64_t base, uint64_t end, size_t max_line_bytes)
    : path_(std::move(path)),
      gz_(nullptr),
      fd_(fd),
      base_(base),
      range_end_(end),
      max_line_bytes_(max_line_bytes) {}

LineReader::LineReader(std::string path, void* gz, size_t max_line_bytes,
                       std::optional<InputHashSpec> hash)
    : path_(std::move(path)),
      gz_(gz),
      max_line_bytes_(max_line_bytes),
      hasher_(hash ? std::make_unique<InputHasher>(hash->kind, hash->threads) : nullptr) {}

std::string LineReader::InputHash() {
  if (hasher_) {
    hash_ = hasher_->Finish();
    hasher_.reset();
  }
  return hash_;
}

uint64_t LineReader::BytesConsumed() const {
  if (!gz_) {
    uint64_t at = base_ + begin_;
    return at > range_begin_ ? at - range_begin_ : 0;
  }
  auto gz = static_cast<gzFile>(gz_);
  // A plain file read through zlib: the bytes handed over, less those not yet split into lines.
  if (gzdirect(gz)) {
    z_off_t handed = gztell(gz);
    return handed < 0 ? 0 : static_cast<uint64_t>(handed) - (end_ - begin_);
  }
  z_off_t compressed = gzoffset(gz);
  return compressed < 0 ? 0 : static_cast<uint64_t>(compressed);
}

LineReader::~LineReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
  if (fd_ >= 0) ::close(fd_);
}

bool LineReader::Fill() {
  if (eof_) return false;
  // Compact: move the unread tail to the front, then grow if a line does not fit.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    base_ += begin_;
    begin_ = 0;
  }
  const size_t want = read_bytes_;
  read_bytes_ = std::min(read_bytes_ * 2, kChunk);
  if (buffer_.size() < end_ + want) buffer_.resize(end_ + want);
  if (!gz_) {
    ssize_t got = 0;
    do {
      got = ::read(fd_, buffer_.data() + end_, want);
    } while (got < 0 && errno == EINTR);
    if (got < 0) status_ = Status::IoError(path_ + ": read error: " + strerror(errno));
    if (got <= 0) {
      eof_ = true;
      return false;
    }
    end_ += static_cast<size_t>(got);
    return true;
  }
  int n = gzread(static_cast<gzFile>(gz_), buffer_.data() + end_, static_cast<unsigned>(want));
  if (n < 0) {
    int errnum = 0;
    const char* message = gzerror(static_cast<gzFile>(gz_), &errnum);
    status_ = Status::IoError(path_ + ": read error: " + (message ? message : "unknown"));
    eof_ = true;
    return false;
  }
  if (n == 0) {
    // gzread returns 0 both at a clean end and on a truncated .gz stream.
    int errnum = 0;
    const char* message = gzerror(static_cast<gzFile>(gz_), &errnum);
    if (errnum != Z_OK && errnum != Z_STREAM_END) {
      status_ = Status::IoError(path_ + ": read error: " + (message ? message : "unknown"));
    }
    eof_ = true;
    return false;
  }
  if (hasher_) hasher_->Update(std::string_view(buffer_.data() + end_, static_cast<size_t>(n)));
  end_ += static_cast<size_t>(n);
  return true;
}

bool LineReader::Next(Line& line) {
  if (pushed_back_) {
    pushed_back_ = false;
    line = last_;
    return true;
  }
  bool found = NextLine(line);
  if (found && line.number == 1 && line.text.starts_with(kUtf8Bom)) {
    line.text.remove_prefix(kUtf8Bom.size());
  }
  if (found) last_ = line;
  return found;
}

bool LineReader::NextLine(Line& line) {
  if (!status_.ok()) return false;
  if (base_ + begin_ >= range_end_) return false;  // the next line starts in a later range
  size_t scanned = begin_;                         // bytes before this offset hold no '\n'
  bool skipping = false;  // inside an oversized line: drop bytes until its end
  size_t skipped = 0;
  for (;;) {
    const char* start = buffer_.data() + scanned;
    const void* newline = std::memchr(start, '\n', end_ - scanned);
    if (newline) {
      size_t stop = static_cast<const char*>(newline) - buffer_.data();
      size_t length = skipped + (stop - begin_);
      ++line_number_;
      line.number = line_number_;
      line.length = length;
      line.oversized = skipping || length > max_line_bytes_;
      if (line.oversized) {
        line.text = std::string_view();
      } else {
        size_t text_end = stop;
        if (text_end > begin_ && buffer_[text_end - 1] == '\r') --text_end;
        line.text = std::string_view(buffer_.data() + begin_, text_end - begin_);
      }
      begin_ = stop + 1;
      return true;
    }
    if (end_ - begin_ > max_line_bytes_) {
      // Drop what we hold of the oversized line so memory stays bounded.
      skipping = true;
      skipped += end_ - begin_;
      begin_ = end_;
    }
    scanned = end_ - begin_;  // offsets move with compaction in Fill()
    if (!Fill()) {
      if (!status_.ok()) return false;
      if (end_ == begin_ && !skipping) return false;
      // Last line without '\n'.
      size_t length = skipped + (end_ - begin_);
      ++line_number_;
      line.number = line_number_;
      line.length = length;
      line.oversized = skipping || length > max_line_bytes_;
      line.text = line.oversized ? std::string_view()
                                 : std::string_view(buffer_.data() + begin_, end_ - begin_);
      if (!line.oversized && !line.text.empty() && line.text.back() == '\r') {
        line.text.remove_suffix(1);
      }
      begin_ = end_;
      return true;
    }
    scanned += begin_;
  }
}

}  // namespace arbiter
