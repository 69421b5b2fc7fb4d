#include "runner/annotate/trace_queue.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <simdjson.h>

#include "runner/base/json_error.h"
#include "runner/source/trace_source.h"
#include "runner/trace/trace_validator.h"

namespace arbiter {
namespace {

// The messages kept about skipped lines; the count of the rest is reported.
constexpr size_t kMaxSkippedMessages = 20;

// True for a gzip file or OTLP/JSON: the index below needs one plain JSONL trace per line.
Result<bool> NeedsSpooling(const std::filesystem::path& path) {
  Result<bool> gzip = IsGzipFile(path.string());
  if (!gzip.ok() || *gzip) return gzip;
  Result<TraceFormat> format = DetectTraceFormat(path.string());
  if (!format.ok()) return format.status();
  return *format == TraceFormat::kOtlp;
}

// Reads `path` through the trace reader (gzip, OTLP spans assembled into traces) into an unlinked
// temporary file, one trace per line; returns its descriptor. `original_lines[k]` is the line of
// `path` where spooled line k+1 started, for messages; unreadable records go to `problems`.
Result<int> SpoolToJsonl(const std::filesystem::path& path, std::vector<uint64_t>& original_lines,
                         std::vector<std::string>& problems) {
  SourceOptions options;
  options.hash_input = false;
  Result<std::unique_ptr<TraceSource>> source = OpenTraceSource(path.string(), options);
  if (!source.ok()) return source.status();
  std::string name = (std::filesystem::temp_directory_path() / "arbiter-queue-XXXXXX").string();
  int fd = mkstemp(name.data());
  if (fd < 0) return Status::IoError(name + ": cannot create: " + std::strerror(errno));
  unlink(name.c_str());  // the descriptor and then the mapping keep it while needed
  std::string buffer;
  auto flush = [&]() -> bool {
    for (size_t done = 0; done < buffer.size();) {
      ssize_t n = write(fd, buffer.data() + done, buffer.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    buffer.clear();
    return true;
  };
  TraceRecord record;
  while ((*source)->Next(record)) {
    if (!record.error.empty()) {
      problems.push_back(path.string() + ":" + std::to_string(record.line) + ": " + record.error);
      continue;
    }
    buffer.append(record.json);
    buffer.push_back('\n');
    original_lines.push_back(record.line);
    if (buffer.size() >= (1 << 20) && !flush()) break;
  }
  Status read = (*source)->status();
  if (read.ok() && !flush()) {
    read = Status::IoError(path.string() +
                           ": cannot spool to a temporary file: " + std::strerror(errno));
  }
  if (!read.ok()) {
    close(fd);
    return read;
  }
  return fd;
}

}  // namespace

TraceQueue::~TraceQueue() {
  if (data_ != nullptr && mapped_ > 0) munmap(const_cast<char*>(data_), mapped_);
}

Result<std::unique_ptr<TraceQueue>> TraceQueue::Open(const std::filesystem::path& path) {
  std::unique_ptr<TraceQueue> queue(new TraceQueue());
  queue->path_ = path.string();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound(path.string() + ": " + std::strerror(errno));
  struct stat info {};
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    close(fd);
    return Status::InvalidArgument(path.string() +
                                   ": --queue must be a regular trace file (a triage queue, a "
                                   "sample or raw traces), not a folder or a pipe");
  }
  // Gzip and OTLP are read once into plain lines; a plain JSONL file is mapped as it is.
  std::vector<uint64_t> original_lines;
  std::vector<std::string> spool_problems;
  Result<bool> spool = NeedsSpooling(path);
  if (!spool.ok()) {
    close(fd);
    return spool.status();
  }
  if (*spool) {
    close(fd);
    Result<int> spooled = SpoolToJsonl(path, original_lines, spool_problems);
    if (!spooled.ok()) return spooled.status();
    fd = *spooled;
    if (fstat(fd, &info) != 0) {
      close(fd);
      return Status::IoError(path.string() + ": cannot read the spooled copy");
    }
  }
  // The line of the given file where spooled line `line` started.
  auto original = [&](uint64_t line) {
    return *spool && line >= 1 && line <= original_lines.size() ? original_lines[line - 1] : line;
  };
  size_t size = static_cast<size_t>(info.st_size);
  if (size > 0) {
    void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED) {
      close(fd);
      return Status::IoError(path.string() + ": cannot map: " + std::strerror(errno));
    }
    madvise(map, size, MADV_SEQUENTIAL);
    queue->data_ = static_cast<const char*>(map);
    queue->mapped_ = size;
  }
  close(fd);
  const char* data = queue->data_;

  simdjson::dom::parser parser;
  std::string padded;
  size_t skipped = 0;
  auto skip = [&](uint64_t line, const std::string& reason) {
    if (++skipped <= kMaxSkippedMessages) {
      queue->skipped_.push_back(path.string() + ":" + std::to_string(line) + ": " + reason +
                                "; skipped");
    }
  };
  for (const std::string& problem : spool_problems) {
    if (++skipped <= kMaxSkippedMessages) queue->skipped_.push_back(problem + "; skipped");
  }
  uint64_t line_number = 0;
  size_t start = 0;
  // A UTF-8 byte-order mark before the first line is not part of the trace.
  if (size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) start = 3;
  while (start < size) {
    const char* end = static_cast<const char*>(std::memchr(data + start, '\n', size - start));
    size_t stop = end ? static_cast<size_t>(end - data) : size;
    ++line_number;
    size_t length = stop - start;
    if (length > 0 && data[start + length - 1] == '\r') --length;
    size_t first = start;
    while (first < start + length && (data[first] == ' ' || data[first] == '\t')) ++first;
    if (first < start + length) {
      // simdjson reads up to SIMDJSON_PADDING bytes past the end (any values): inside the
      // mapping the next lines are those bytes; only the file's last line needs a copy.
      const char* text = data + start;
      if (size - start < length + simdjson::SIMDJSON_PADDING) {
        if (padded.size() < length + simdjson::SIMDJSON_PADDING) {
          padded.resize(length + simdjson::SIMDJSON_PADDING);
        }
        std::memcpy(padded.data(), text, length);
        text = padded.data();
      }
      // The whole line is read and checked as `run` checks a trace: a line broken after its
      // trace_id stays out of the queue here rather than failing when its turn comes.
      std::string_view id;
      simdjson::dom::element root;
      if (auto error = parser.parse(text, length, /*realloc_if_needed=*/false).get(root)) {
        skip(original(line_number),
             JsonRefusal("not valid JSON", std::string_view(text, length), error));
      } else if (Status valid = ValidateTrace(root, id); !valid.ok()) {
        skip(original(line_number), valid.message());
      } else if (id.empty()) {
        skip(original(line_number), "empty trace_id");
      } else if (length > UINT32_MAX) {
        skip(original(line_number), "line longer than 4 GiB");
      } else {
        Entry entry;
        entry.offset = start;
        entry.length = static_cast<uint32_t>(length);
        entry.line = original(line_number);
        entry.trace_id = std::string(id);
        queue->entries_.push_back(std::move(entry));
      }
    }
    start = stop + 1;
  }
  // string_view keys point into entries_, which no longer changes after this (or is rebuilt
  // below, keys and all).
  queue->by_id_.reserve(queue->entries_.size());
  for (size_t i = 0; i < queue->entries_.size(); ++i) {
    auto [it, inserted] = queue->by_id_.emplace(queue->entries_[i].trace_id, i);
    (void)it;
    if (!inserted) {
      skip(queue->entries_[i].line,
           "trace_id '" + queue->entries_[i].trace_id + "' came before, at line " +
               std::to_string(queue->entries_[queue->by_id_[queue->entries_[i].trace_id]].line));
      queue->entries_[i].trace_id.clear();  // marks the duplicate for removal below
    }
  }
  if (skipped > kMaxSkippedMessages) {
    queue->skipped_.push_back(path.string() + ": " + std::to_string(skipped - kMaxSkippedMessages) +
                              " more lines skipped");
  }
  bool any_duplicate = false;
  for (const Entry& entry : queue->entries_) any_duplicate |= entry.trace_id.empty();
  if (any_duplicate) {
    std::vector<Entry> unique;
    for (Entry& entry : queue->entries_) {
      if (!entry.trace_id.empty()) unique.push_back(std::move(entry));
    }
    queue->entries_ = std::move(unique);
    queue->by_id_.clear();
    for (size_t i = 0; i < queue->entries_.size(); ++i) {
      queue->by_id_.emplace(queue->entries_[i].trace_id, i);
    }
  }
  if (queue->entries_.empty()) {
    return Status::InvalidArgument(path.string() + ": no trace with a trace_id in the queue");
  }
  return queue;
}

std::string_view TraceQueue::Line(size_t i) const {
  return {data_ + entries_[i].offset, entries_[i].length};
}

std::optional<size_t> TraceQueue::Find(std::string_view trace_id) const {
  auto it = by_id_.find(trace_id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

}  // namespace arbiter
