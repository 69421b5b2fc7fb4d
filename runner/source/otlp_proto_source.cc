#include "runner/source/otlp_proto_source.h"

#include <zlib.h>

#include <deque>
#include <exception>
#include <filesystem>
#include <vector>

#include "runner/base/input_hash.h"
#include "runner/source/otlp/mapping.h"
#include "runner/source/otlp/proto.h"

namespace arbiter {
namespace {

constexpr size_t kMaxProblemsPerMessage = 20;

// The whole file, decompressed when it is gzip (zlib reads plain files unchanged).
Result<std::string> ReadAll(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return Status::IoError(path + ": cannot open");
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    int n = gzread(file, buffer, sizeof buffer);
    if (n < 0) {
      gzclose(file);
      return Status::IoError(path + ": read error");
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  gzclose(file);
  return bytes;
}

uint32_t BigEndian32(std::string_view bytes, size_t at) {
  return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
         (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
}

// The messages of a length-prefixed file, or empty when `bytes` is not one (a prefix that runs
// past the end).
std::vector<std::string_view> Framed(std::string_view bytes) {
  std::vector<std::string_view> messages;
  size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < 4) return {};
    uint32_t length = BigEndian32(bytes, at);
    at += 4;
    if (length > bytes.size() - at) return {};
    messages.push_back(bytes.substr(at, length));
    at += length;
  }
  return messages;
}

class ProtoSource : public TraceSource {
 public:
  ProtoSource(std::string path, std::string bytes, uint64_t file_bytes,
              std::optional<InputHashSpec> hash, OtlpMappingOptions mapping,
              const OtlpAssemblyOptions& assembly)
      : path_(std::move(path)),
        bytes_(std::move(bytes)),
        file_bytes_(file_bytes),
        mapping_(std::move(mapping)),
        assembler_(assembly) {
    if (hash) hash_ = InputHashHex(hash->kind, bytes_, hash->threads);
    std::string_view all = bytes_;
    // A length prefix starts with 0x00 for any message under 16 MiB; a bare request starts with
    // the tag of field 1 (0x0a).
    if (!all.empty() && all[0] == '\0') messages_ = Framed(all);
    if (messages_.empty() && !all.empty()) messages_.push_back(all);
  }

  bool Next(TraceRecord& record) override {
    while (pending_.empty()) {
      if (next_ >= messages_.size()) {
        if (finished_) return false;
        assembler_.Finish(done_);
        Emit();
        finished_ = true;
        continue;
      }
      ReadMessage(next_);
      ++next_;
    }
    current_ = std::move(pending_.front());
    pending_.pop_front();
    record.json = current_.json;
    record.line = current_.line;
    record.error = std::move(current_.error);
    return true;
  }
  Status status() const override { return Status::OK(); }
  const std::string& path() const override { return path_; }
  std::string InputHash() override { return hash_; }
  // The file was read whole at open: its share by the messages read since.
  uint64_t BytesRead() const override {
    if (messages_.empty()) return file_bytes_;
    return file_bytes_ * next_ / messages_.size();
  }

 private:
  struct Owned {
    std::string json;
    uint64_t line = 0;
    std::string error;
  };

  void ReadMessage(size_t index) {
    uint64_t line = index + 1;
    spans_.clear();
    problems_.clear();
    if (!ReadOtlpProtoBytes(messages_[index], spans_, problems_)) {
      Error(line, WithOtlpParseProblem("not an OTLP/protobuf trace request (message " +
                                       std::to_string(line) + ", " +
                                       std::to_string(messages_[index].size()) + " bytes)"));
    }
    for (size_t i = 0; i < problems_.size() && i < kMaxProblemsPerMessage; ++i) {
      Error(line, problems_[i]);
    }
    if (problems_.size() > kMaxProblemsPerMessage) {
      Error(line, "... and " + std::to_string(problems_.size() - kMaxProblemsPerMessage) +
                      " more problems in this message");
    }
    for (OtlpSpan& span : spans_) {
      if (!assembler_.Add(std::move(span), line, done_)) {  // refused: `span` is intact
        Error(line, "late span " + span.span_id + " for trace " + span.trace_id +
                        ": the trace was already emitted");
      }
      Emit();
    }
    assembler_.EndDocument(done_);
    Emit();
  }

  void Emit() {
    for (OtlpAssembler::Trace& trace : done_) {
      Owned record;
      record.line = trace.line;
      Result<std::string> json = TryMapOtlpTraceJson(trace.spans, mapping_);
      if (json.ok()) {
        record.json = std::move(*json);
      } else {
        record.error = json.status().message();
      }
      pending_.push_back(std::move(record));
    }
    done_.clear();
  }

  void Error(uint64_t line, std::string reason) {
    Owned record;
    record.line = line;
    record.error = std::move(reason);
    pending_.push_back(std::move(record));
  }

  std::string path_;
  std::string bytes_;
  std::string hash_;
  uint64_t file_bytes_;  // as stored (compressed for .gz)
  std::vector<std::string_view> messages_;
  size_t next_ = 0;
  OtlpMappingOptions mapping_;  // the suite's or policy's `otlp:`, as for OTLP/JSON
  OtlpAssembler assembler_;
  std::vector<OtlpSpan> spans_;
  std::vector<std::string> problems_;
  std::vector<OtlpAssembler::Trace> done_;
  std::deque<Owned> pending_;
  Owned current_;
  bool finished_ = false;
};

}  // namespace

bool LooksLikeOtlpProto(const std::string& path) {
  if (IsStreamInput(path)) return false;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  unsigned char first = 0;
  int n = gzread(file, &first, 1);
  gzclose(file);
  return n == 1 && (first == 0x0a || first == 0x00);
}

Result<std::unique_ptr<TraceSource>> OpenOtlpProtoSource(const std::string& path,
                                                         const SourceOptions& options,
                                                         const OtlpAssemblyOptions& assembly) {
  ARBITER_ASSIGN_OR_RETURN(std::string bytes, ReadAll(path));
  std::error_code ec;
  uint64_t file_bytes = std::filesystem::file_size(path, ec);
  return std::unique_ptr<TraceSource>(std::make_unique<ProtoSource>(
      path, std::move(bytes), ec ? 0 : file_bytes,
      options.hash_input ? std::optional(InputHashSpec{options.input_hash, options.hash_threads})
                         : std::nullopt,
      options.otlp, assembly));
}

}  // namespace arbiter
