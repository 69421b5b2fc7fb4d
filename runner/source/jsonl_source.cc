#include "runner/source/jsonl_source.h"

#include <string>

namespace arbiter {

bool IsBlankLine(std::string_view text) {
  return text.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::string OversizedLineError(size_t length, size_t max_line_bytes) {
  return "line of " + std::to_string(length) + " bytes exceeds the limit of " +
         std::to_string(max_line_bytes) + " bytes";
}

namespace {

class JsonlSource : public TraceSource {
 public:
  explicit JsonlSource(std::unique_ptr<LineReader> reader) : reader_(std::move(reader)) {}

  bool Next(TraceRecord& record) override {
    Line line;
    while (reader_->Next(line)) {
      if (!line.oversized && IsBlankLine(line.text)) continue;
      record.line = line.number;
      if (line.oversized) {
        record.json = {};
        record.error = OversizedLineError(line.length, reader_->max_line_bytes());
      } else {
        record.json = line.text;
        record.error.clear();
      }
      return true;
    }
    return false;
  }
  Status status() const override { return reader_->status(); }
  const std::string& path() const override { return reader_->path(); }
  uint64_t BytesRead() const override { return reader_->BytesConsumed(); }

 private:
  std::unique_ptr<LineReader> reader_;
};

}  // namespace

std::unique_ptr<TraceSource> MakeJsonlSource(std::unique_ptr<LineReader> reader) {
  return std::make_unique<JsonlSource>(std::move(reader));
}

}  // namespace arbiter
