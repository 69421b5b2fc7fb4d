#include "runner/source/trace_source.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

#include "runner/base/line_reader.h"
#include "runner/source/block_jsonl_source.h"
#include "runner/source/jsonl_source.h"
#include "runner/source/otlp_proto_source.h"
#include "runner/source/otlp_source.h"

namespace arbiter {
namespace {

// OTLP/JSON documents open with "resourceSpans" (file-exporter lines, request bodies), our
// traces with their own fields. Only the first non-blank line is looked at: it is OTLP when it
// is a lone "{" (a pretty-printed request body; a JSONL trace is one line) or an object whose
// first key is "resourceSpans". Looking at the first key only, not anywhere in the line, keeps a
// JSONL trace whose text mentions "resourceSpans" JSONL.
TraceFormat DetectFormat(std::string_view first_line) {
  size_t start = first_line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return TraceFormat::kJsonl;
  std::string_view rest = first_line.substr(start);
  if (rest.find_last_not_of(" \t\r") == 0 && rest[0] == '{') return TraceFormat::kOtlp;
  if (rest[0] != '{') return TraceFormat::kJsonl;
  size_t key = rest.find_first_not_of(" \t\r", 1);
  constexpr std::string_view kKey = "\"resourceSpans\"";
  if (key != std::string_view::npos && rest.substr(key, kKey.size()) == kKey) {
    return TraceFormat::kOtlp;
  }
  return TraceFormat::kJsonl;
}

// Adds the input hash to a source: the line reader it reads from keeps it.
class HashedSource : public TraceSource {
 public:
  HashedSource(std::unique_ptr<TraceSource> inner, LineReader* reader)
      : inner_(std::move(inner)), reader_(reader) {}
  bool Next(TraceRecord& record) override { return inner_->Next(record); }
  Status status() const override { return inner_->status(); }
  const std::string& path() const override { return inner_->path(); }
  std::string InputHash() override { return reader_->InputHash(); }
  uint64_t BytesRead() const override { return inner_->BytesRead(); }

 private:
  std::unique_ptr<TraceSource> inner_;
  LineReader* reader_;  // owned by inner_
};

// A regular file that zlib would not decompress: one that can be read in blocks as it is.
bool IsPlainRegularFile(const std::string& path) {
  std::error_code ec;
  if (path == "-" || !std::filesystem::is_regular_file(path, ec)) return false;
  Result<bool> gzip = IsGzipFile(path);
  return gzip.ok() && !*gzip;  // one that cannot be opened: LineReader reports why
}

}  // namespace

bool IsStreamInput(const std::string& path) {
  if (path == "-") return true;
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  return !ec && (std::filesystem::is_fifo(status) || std::filesystem::is_character_file(status));
}

Status CheckTraceFiles(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    if (path == "-" || IsStreamInput(path)) continue;
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (std::filesystem::is_directory(status)) {
      return Status::InvalidArgument(
          path + ": is a folder, not a trace file (give the files in it, e.g. " + path +
          "/*.jsonl)");
    }
    if (!std::filesystem::is_regular_file(status)) {
      return Status::InvalidArgument(path + ": no such trace file");
    }
  }
  return Status::OK();
}

// A protobuf file: named `.pb` (or `.pb.gz`), or detected from its first byte, which no JSON
// text starts with. Only OTLP comes as protobuf, so --format jsonl never reads one.
bool IsProtoFile(const std::string& path, TraceFormat format) {
  if (format == TraceFormat::kJsonl || IsStreamInput(path)) return false;
  std::string_view name = path;
  if (name.ends_with(".gz")) name.remove_suffix(3);
  return name.ends_with(".pb") || LooksLikeOtlpProto(path);
}

Result<std::unique_ptr<TraceSource>> OpenTraceSource(const std::string& path,
                                                     const SourceOptions& options) {
  if (IsProtoFile(path, options.format)) {
    return OpenOtlpProtoSource(path, options, OtlpAssemblyOptions());
  }
  if (options.format != TraceFormat::kOtlp && IsPlainRegularFile(path)) {
    TraceFormat format = options.format;
    if (format == TraceFormat::kAuto) {
      ARBITER_ASSIGN_OR_RETURN(format, DetectTraceFormat(path));
    }
    if (format == TraceFormat::kJsonl) return OpenBlockJsonlSource(path, options);
  }
  std::optional<InputHashSpec> hash;
  if (options.hash_input) hash = InputHashSpec{options.input_hash, options.hash_threads};
  ARBITER_ASSIGN_OR_RETURN(auto reader, LineReader::Open(path, options.max_line_bytes, hash));
  TraceFormat format = options.format;
  if (format == TraceFormat::kAuto) {
    format = TraceFormat::kJsonl;
    Line line;
    while (reader->Next(line)) {
      if (line.oversized || !IsBlankLine(line.text)) {
        if (!line.oversized) format = DetectFormat(line.text);
        reader->PushBack();
        break;
      }
    }
    if (!reader->status().ok()) return reader->status();
  }
  LineReader* line_reader = reader.get();
  std::unique_ptr<TraceSource> source = format == TraceFormat::kOtlp
                                            ? MakeOtlpSource(std::move(reader), options)
                                            : MakeJsonlSource(std::move(reader));
  return std::unique_ptr<TraceSource>(
      std::make_unique<HashedSource>(std::move(source), line_reader));
}

}  // namespace arbiter

namespace arbiter {

Result<std::unique_ptr<TraceSource>> OpenTraceSourceRange(const std::string& path, ByteRange range,
                                                          const SourceOptions& options) {
  if (IsPlainRegularFile(path)) {
    return OpenBlockJsonlSourceRange(path, range.begin, range.end, options);
  }
  ARBITER_ASSIGN_OR_RETURN(
      auto reader, LineReader::OpenRange(path, range.begin, range.end, options.max_line_bytes));
  return MakeJsonlSource(std::move(reader));
}

Result<bool> IsGzipFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  unsigned char magic[2] = {0, 0};
  ssize_t n = ::pread(fd, magic, 2, 0);
  ::close(fd);
  return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

Result<TraceFormat> DetectTraceFormat(const std::string& path) {
  ARBITER_ASSIGN_OR_RETURN(auto reader, LineReader::Open(path));
  Line line;
  while (reader->Next(line)) {
    if (line.oversized) return TraceFormat::kJsonl;
    if (!IsBlankLine(line.text)) {
      return DetectFormat(line.text);
    }
  }
  ARBITER_RETURN_IF_ERROR(reader->status());
  return TraceFormat::kJsonl;
}

}  // namespace arbiter
