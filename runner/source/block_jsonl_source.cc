#include "runner/source/block_jsonl_source.h"

#include <cstring>
#include <string_view>

#include <unistd.h>

#include <simdjson.h>

#include "runner/base/block_reader.h"
#include "runner/base/input_hash.h"
#include "runner/base/line_reader.h"
#include "runner/base/open_file.h"
#include "runner/source/jsonl_source.h"

namespace arbiter {
namespace {

class BlockJsonlSource : public TraceSource {
 public:
  BlockJsonlSource(std::string path, std::unique_ptr<BlockReader> reader,
                   const SourceOptions& options)
      : path_(std::move(path)),
        reader_(std::move(reader)),
        max_line_bytes_(options.max_line_bytes),
        hasher_(options.hash_input
                    ? std::make_unique<InputHasher>(options.input_hash, options.hash_threads)
                    : nullptr) {}

  // Makes this source one of the range [begin, end) (OpenBlockJsonlSourceRange), its reader
  // started at begin - 1 when begin > 0: skips the end of the line that holds byte begin - 1
  // (an earlier range reads it), and numbers the next line after the `newlines` before it.
  void StartRange(uint64_t begin, uint64_t end, uint64_t newlines) {
    range_begin_ = begin;
    range_end_ = end;
    if (begin == 0) return;
    std::string_view skipped;
    bool in_block = false;
    size_t length = 0;
    NextLine(skipped, in_block, length);
    line_number_ = newlines + 1;
  }

  bool Next(TraceRecord& record) override {
    std::string_view text;
    bool in_block = false;
    size_t length = 0;
    while (NextLine(text, in_block, length)) {
      const bool oversized = length > max_line_bytes_;
      if (!oversized && IsBlankLine(text)) continue;
      record.line = line_number_;
      if (oversized) {
        record.json = {};
        record.owner.reset();
        record.error = OversizedLineError(length, max_line_bytes_);
      } else {
        record.json = text;
        if (in_block) {
          record.owner = block_;
        } else {
          record.owner.reset();
        }
        record.error.clear();
      }
      return true;
    }
    return false;
  }
  Status status() const override { return reader_->status(); }
  const std::string& path() const override { return path_; }
  std::string InputHash() override {
    if (hasher_) {
      hash_ = hasher_->Finish();
      hasher_.reset();
    }
    return hash_;
  }
  uint64_t BytesRead() const override {
    return consumed_ > range_begin_ ? consumed_ - range_begin_ : 0;
  }

 private:
  // The next line: its text without '\n' and one '\r' (and a byte-order mark on line 1), whether
  // the text lies in block_ (else in carry_), and its full length (with the '\r'), also when it
  // is over the limit and its text was not kept. False at the end of input or on a read error.
  bool NextLine(std::string_view& text, bool& in_block, size_t& length) {
    carry_.clear();  // it held the line returned last, if any: valid until this call
    for (;;) {
      if (!block_ || at_ == block_->size) {
        if (!Advance()) {
          if (!carrying_ || !reader_->status().ok()) return false;
          consumed_ = end_offset_;
          return EndLine(std::string_view(carry_), false, carry_length_, text, in_block, length);
        }
      }
      // A line that starts at or after the range's end is the next range's.
      if (!carrying_ && block_->offset + at_ >= range_end_) return false;
      const char* start = block_->data + at_;
      const size_t rest = block_->size - at_;
      const auto* newline = static_cast<const char*>(std::memchr(start, '\n', rest));
      if (!newline) {  // the line goes on in the next block
        Carry(std::string_view(start, rest));
        at_ = block_->size;
        continue;
      }
      const size_t taken = static_cast<size_t>(newline - start);
      at_ += taken + 1;
      consumed_ = block_->offset + at_;
      if (!carrying_) {
        return EndLine(std::string_view(start, taken), true, taken, text, in_block, length);
      }
      Carry(std::string_view(start, taken));
      return EndLine(std::string_view(carry_), false, carry_length_, text, in_block, length);
    }
  }

  // Keeps the part of a line that continues past its block, up to the limit: a longer line is
  // counted, not kept, so memory stays bounded.
  void Carry(std::string_view bytes) {
    carrying_ = true;
    carry_length_ += bytes.size();
    if (carry_length_ <= max_line_bytes_) {
      carry_.append(bytes);
    } else {
      std::string().swap(carry_);
    }
  }

  bool EndLine(std::string_view line, bool in_block_line, size_t line_length,
               std::string_view& text, bool& in_block, size_t& length) {
    ++line_number_;
    text = line;
    in_block = in_block_line;
    length = line_length;
    if (line_length > max_line_bytes_) text = {};
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (line_number_ == 1 && text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
    carrying_ = false;
    carry_length_ = 0;
    return true;
  }

  // Moves to the next block, feeding it to the input hash. False at the end or on an error.
  bool Advance() {
    BlockRef next = reader_->Next();
    if (!next) return false;
    block_ = std::move(next);
    at_ = 0;
    end_offset_ = block_->offset + block_->size;
    if (hasher_) hasher_->Update(block_, std::string_view(block_->data, block_->size));
    return true;
  }

  std::string path_;
  std::unique_ptr<BlockReader> reader_;
  size_t max_line_bytes_;
  std::unique_ptr<InputHasher> hasher_;  // null without a hash, and once finished
  std::string hash_;
  BlockRef block_;                   // the block being split
  size_t at_ = 0;                    // where the next line starts in block_
  uint64_t end_offset_ = 0;          // the file offset after block_
  uint64_t consumed_ = 0;            // the file offset after the last line returned
  uint64_t line_number_ = 0;         // of the last line returned
  uint64_t range_begin_ = 0;         // a range's first byte (StartRange); 0 for the whole file
  uint64_t range_end_ = UINT64_MAX;  // lines starting here or after are not this source's
  std::string carry_;                // a line across blocks (empty once over the limit)
  size_t carry_length_ = 0;          // its length so far, also past the limit
  bool carrying_ = false;            // a line started in an earlier block
};

}  // namespace

Result<std::unique_ptr<TraceSource>> OpenBlockJsonlSource(const std::string& path,
                                                          const SourceOptions& options) {
  ARBITER_ASSIGN_OR_RETURN(
      auto reader, BlockReader::Open(path, simdjson::SIMDJSON_PADDING, options.block_bytes));
  return std::unique_ptr<TraceSource>(
      std::make_unique<BlockJsonlSource>(path, std::move(reader), options));
}

Result<std::unique_ptr<TraceSource>> OpenBlockJsonlSourceRange(const std::string& path,
                                                               uint64_t begin, uint64_t end,
                                                               const SourceOptions& options) {
  uint64_t newlines = 0;
  if (begin > 0) {
    ARBITER_ASSIGN_OR_RETURN(const int fd, OpenForReading(path));
    newlines = CountNewlinesBefore(fd, begin - 1, options.hash_threads);
    ::close(fd);
  }
  ARBITER_ASSIGN_OR_RETURN(
      auto reader,
      BlockReader::Open(path, simdjson::SIMDJSON_PADDING, options.block_bytes,
                        BlockReader::kDefaultThreads, /*ahead=*/4, begin > 0 ? begin - 1 : 0));
  SourceOptions unhashed = options;
  unhashed.hash_input = false;  // a range is not the input
  auto source = std::make_unique<BlockJsonlSource>(path, std::move(reader), unhashed);
  source->StartRange(begin, end, newlines);
  ARBITER_RETURN_IF_ERROR(source->status());
  return std::unique_ptr<TraceSource>(std::move(source));
}

}  // namespace arbiter
