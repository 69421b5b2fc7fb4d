#include "runner/source/otlp_source.h"

#include <deque>
#include <exception>
#include <string>
#include <vector>

#include <simdjson.h>

#include "runner/base/json_error.h"
#include "runner/source/otlp/document.h"
#include "runner/source/otlp/mapping.h"

namespace arbiter {
namespace {

constexpr size_t kMaxProblemsPerDocument = 20;

std::string_view Trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(start, end - start + 1);
}

// Tracks brace depth across the lines of a pretty-printed document, outside strings.
class DepthScanner {
 public:
  void Reset() { *this = DepthScanner(); }
  void Scan(std::string_view text) {
    for (char c : text) {
      if (in_string_) {
        if (escaped_) {
          escaped_ = false;
        } else if (c == '\\') {
          escaped_ = true;
        } else if (c == '"') {
          in_string_ = false;
        }
      } else if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        ++depth_;
      } else if (c == '}' || c == ']') {
        --depth_;
      }
    }
  }
  bool closed() const { return depth_ <= 0 && !in_string_; }

 private:
  long depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
};

class OtlpSource : public OtlpTraceSource {
 public:
  OtlpSource(std::unique_ptr<LineReader> reader, const SourceOptions& options,
             const OtlpAssemblyOptions& assembly)
      : reader_(std::move(reader)),
        max_bytes_(options.max_line_bytes),
        mapping_(options.otlp),
        assembler_(assembly) {}

  bool Next(TraceRecord& record) override {
    while (pending_.empty()) {
      if (finished_) return false;
      ReadLine();
    }
    current_ = std::move(pending_.front());
    pending_.pop_front();
    record.json = current_.json;
    record.line = current_.line;
    record.error = std::move(current_.error);
    return true;
  }
  Status status() const override { return reader_->status(); }
  const std::string& path() const override { return reader_->path(); }
  uint64_t BytesRead() const override { return reader_->BytesConsumed(); }
  OtlpSourceStats stats() const override {
    OtlpSourceStats out = stats_;
    out.evicted_traces = assembler_.evicted();
    out.open_traces = assembler_.open_traces();
    out.max_open_traces = assembler_.max_open_traces_seen();
    return out;
  }

 private:
  void ReadLine() {
    Line line;
    if (!reader_->Next(line)) {
      if (accumulating_) {
        PushError(document_line_, "unterminated JSON document (the input ends first)");
      }
      assembler_.Finish(done_);
      EmitTraces();
      finished_ = true;
      return;
    }
    std::string_view trimmed = line.oversized ? std::string_view() : Trim(line.text);
    if (skipping_) {
      // After a document overflowed: resynchronize on its closing "}" or the next document.
      if (line.oversized || line.text.empty() || line.text[0] != '{') {
        if (line.text == "}") skipping_ = false;
        return;
      }
      skipping_ = false;
    }
    if (accumulating_) {
      Accumulate(line);
      return;
    }
    if (line.oversized) {
      PushError(line.number, "line of " + std::to_string(line.length) +
                                 " bytes exceeds the limit of " + std::to_string(max_bytes_) +
                                 " bytes");
      return;
    }
    if (trimmed.empty()) return;
    if (trimmed == "{") {
      StartDocument(line);
      return;
    }
    ProcessDocument(line.text, line.number);
  }

  void StartDocument(const Line& line) {
    accumulating_ = true;
    document_line_ = line.number;
    document_.assign(line.text);
    document_ += '\n';
    scanner_.Reset();
    scanner_.Scan(line.text);
  }

  void Accumulate(const Line& line) {
    if (!line.oversized && line.text == "{") {
      // Only a new pretty-printed document starts with "{" alone in column 0.
      PushError(document_line_, "truncated JSON document (a new document starts at line " +
                                    std::to_string(line.number) + ")");
      StartDocument(line);
      return;
    }
    if (line.oversized || document_.size() + line.text.size() + 1 > max_bytes_) {
      PushError(document_line_,
                "document exceeds the limit of " + std::to_string(max_bytes_) + " bytes");
      accumulating_ = false;
      skipping_ = true;
      document_ = std::string();
      return;
    }
    document_.append(line.text);
    document_ += '\n';
    scanner_.Scan(line.text);
    if (scanner_.closed()) {
      accumulating_ = false;
      ProcessDocument(document_, document_line_);
    }
  }

  void ProcessDocument(std::string_view text, uint64_t line) {
    ++stats_.documents;
    simdjson::dom::element root;
    simdjson::error_code error = parser_.parse(text.data(), text.size()).get(root);
    if (error) {
      PushError(line, JsonRefusal("not valid JSON", text, error));
    } else {
      spans_.clear();
      problems_.clear();
      ReadOtlpDocument(root, spans_, problems_);
      for (size_t i = 0; i < problems_.size() && i < kMaxProblemsPerDocument; ++i) {
        PushError(line, problems_[i]);
      }
      if (problems_.size() > kMaxProblemsPerDocument) {
        PushError(line, "... and " + std::to_string(problems_.size() - kMaxProblemsPerDocument) +
                            " more problems in this document");
      }
      for (OtlpSpan& span : spans_) {
        ++stats_.spans;
        if (!assembler_.Add(std::move(span), line, done_)) {  // refused: `span` is intact
          ++stats_.late_spans;
          PushError(line, "late span " + span.span_id + " for trace " + span.trace_id +
                              ": the trace was already emitted");
        }
        EmitTraces();  // a trace evicted to make room
      }
    }
    assembler_.EndDocument(done_);
    EmitTraces();
  }

  void EmitTraces() {
    for (OtlpAssembler::Trace& trace : done_) {
      OwnedRecord record;
      record.line = trace.line;
      Result<std::string> json = TryMapOtlpTraceJson(trace.spans, mapping_);
      if (json.ok()) {
        record.json = std::move(*json);
      } else {
        record.error = json.status().message();
      }
      ++stats_.traces;
      pending_.push_back(std::move(record));
    }
    done_.clear();
  }

  void PushError(uint64_t line, std::string reason) {
    OwnedRecord record;
    record.line = line;
    record.error = std::move(reason);
    pending_.push_back(std::move(record));
  }

  std::unique_ptr<LineReader> reader_;
  size_t max_bytes_;
  OtlpMappingOptions mapping_;
  OtlpAssembler assembler_;
  simdjson::dom::parser parser_;
  // Assembled traces not yet handed out; a TraceRecord views `current_` until the next Next().
  struct OwnedRecord {
    std::string json;
    uint64_t line = 0;
    std::string error;
  };
  std::deque<OwnedRecord> pending_;
  OwnedRecord current_;
  std::vector<OtlpSpan> spans_;
  std::vector<std::string> problems_;
  std::vector<OtlpAssembler::Trace> done_;
  std::string document_;  // the pretty-printed document being accumulated
  uint64_t document_line_ = 0;
  DepthScanner scanner_;
  bool accumulating_ = false;
  bool skipping_ = false;
  bool finished_ = false;
  OtlpSourceStats stats_;
};

}  // namespace

std::unique_ptr<OtlpTraceSource> MakeOtlpSource(std::unique_ptr<LineReader> reader,
                                                const SourceOptions& options,
                                                const OtlpAssemblyOptions& assembly) {
  return std::make_unique<OtlpSource>(std::move(reader), options, assembly);
}

std::unique_ptr<TraceSource> MakeOtlpSource(std::unique_ptr<LineReader> reader,
                                            const SourceOptions& options) {
  return MakeOtlpSource(std::move(reader), options, OtlpAssemblyOptions());
}

}  // namespace arbiter
