// Plain files read in blocks must give the records, line numbers, input hash and byte counts
// that the line reader gives (LineReader and JsonlSource, which read .gz files and standard
// input), whatever the block size: tiny blocks put lines across every boundary.
#include "runner/source/block_jsonl_source.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "runner/base/line_reader.h"
#include "runner/source/jsonl_source.h"
#include "runner/source/record_batch.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::TempDir;

struct Read {
  std::vector<std::string> records;  // "line: json" or "line! error"
  std::string hash;
  uint64_t bytes = 0;
  bool ok = false;
};

Read ReadAll(TraceSource& source) {
  Read read;
  TraceRecord record;
  while (source.Next(record)) {
    read.records.push_back(std::to_string(record.line) + (record.error.empty()
                                                              ? ": " + std::string(record.json)
                                                              : "! " + record.error));
  }
  read.ok = source.status().ok();
  read.hash = source.InputHash();
  read.bytes = source.BytesRead();
  return read;
}

SourceOptions Options(size_t max_line_bytes, size_t block_bytes) {
  SourceOptions options;
  options.max_line_bytes = max_line_bytes;
  options.block_bytes = block_bytes;
  options.hash_threads = 2;
  return options;
}

// What the line reader makes of `path`, with the hash of the file's bytes.
Read LineReaderRead(const std::string& path, size_t max_line_bytes) {
  auto reader = LineReader::Open(path, max_line_bytes);
  EXPECT_TRUE(reader.ok());
  std::unique_ptr<TraceSource> source = MakeJsonlSource(std::move(*reader));
  Read read = ReadAll(*source);
  read.hash = *FileInputHash(InputHashKind::kSha256Chunks, path);
  return read;
}

void ExpectSameAsLineReader(const std::string& text, size_t max_line_bytes = 1 << 20) {
  TempDir dir;
  std::string path = dir.Write("traces.jsonl", text).string();
  Read expected = LineReaderRead(path, max_line_bytes);
  ASSERT_TRUE(expected.ok);
  for (size_t block : {1, 2, 3, 5, 8, 64, 4096, 1 << 20}) {
    auto source = OpenBlockJsonlSource(path, Options(max_line_bytes, block));
    ASSERT_TRUE(source.ok()) << source.status().message();
    Read read = ReadAll(**source);
    EXPECT_TRUE(read.ok);
    EXPECT_EQ(read.records, expected.records) << "blocks of " << block;
    EXPECT_EQ(read.hash, expected.hash) << "blocks of " << block;
    EXPECT_EQ(read.bytes, text.size()) << "blocks of " << block;
  }
}

// A shard's byte ranges (run --shard): each range read in blocks gives the records, line
// numbers and byte count that LineReader::OpenRange gives, and the N ranges of a file together
// give every record of the whole file once.
void ExpectRangesSameAsLineReader(const std::string& text, size_t max_line_bytes = 1 << 20) {
  TempDir dir;
  std::string path = dir.Write("traces.jsonl", text).string();
  Read whole = LineReaderRead(path, max_line_bytes);
  for (uint64_t count : {1, 2, 3, 5, 7, 16}) {
    std::vector<std::string> together;
    for (uint64_t index = 0; index < count; ++index) {
      const uint64_t begin = text.size() * index / count, end = text.size() * (index + 1) / count;
      auto reader = LineReader::OpenRange(path, begin, end, max_line_bytes);
      ASSERT_TRUE(reader.ok());
      std::unique_ptr<TraceSource> line_source = MakeJsonlSource(std::move(*reader));
      Read expected = ReadAll(*line_source);
      ASSERT_TRUE(expected.ok);
      together.insert(together.end(), expected.records.begin(), expected.records.end());
      for (size_t block : {1, 3, 8, 64, 1 << 20}) {
        auto source = OpenBlockJsonlSourceRange(path, begin, end, Options(max_line_bytes, block));
        ASSERT_TRUE(source.ok()) << source.status().message();
        Read read = ReadAll(**source);
        const std::string where = "range " + std::to_string(index) + "/" + std::to_string(count) +
                                  ", blocks of " + std::to_string(block);
        EXPECT_TRUE(read.ok) << where;
        EXPECT_EQ(read.records, expected.records) << where;
        EXPECT_EQ(read.bytes, expected.bytes) << where;
        EXPECT_EQ(read.hash, "") << where;
      }
    }
    EXPECT_EQ(together, whole.records) << count << " ranges";
  }
}

TEST(BlockJsonlSourceTest, RangesReadWhatTheLineReadersRangesRead) {
  std::string text;
  for (int i = 0; i < 120; ++i) {
    text += "{\"i\": " + std::to_string(i) + ", \"pad\": \"" + std::string(i % 23, 'p') + "\"}";
    text += i % 11 == 0 ? "\r\n" : i % 17 == 0 ? "\n\n" : "\n";
  }
  ExpectRangesSameAsLineReader(text);
  ExpectRangesSameAsLineReader("\xEF\xBB\xBF{\"a\": 1}\n{\"b\": 2}");  // a mark, no last newline
  ExpectRangesSameAsLineReader("");
  ExpectRangesSameAsLineReader("\n\n\n");
  // Lines over the limit, one of them across the ranges' cuts.
  ExpectRangesSameAsLineReader("{\"a\": 1}\n" + std::string(300, 'x') + "\n{\"b\": 2}\n" +
                                   std::string(250, 'y') + "\n{\"c\": 3}",
                               100);
}

TEST(BlockJsonlSourceTest, LinesAcrossBlocksAndALastLineWithoutNewline) {
  ExpectSameAsLineReader("{\"trace_id\": \"a\"}\n{\"trace_id\": \"bb\"}\n{\"trace_id\": \"c\"}");
}

TEST(BlockJsonlSourceTest, EmptyAndBlankLinesAreSkippedButCounted) {
  ExpectSameAsLineReader("\n\n{\"a\": 1}\n \t\n\r\n{\"b\": 2}\n\n");
  ExpectSameAsLineReader("");
  ExpectSameAsLineReader("\n");
  ExpectSameAsLineReader("\r");
}

TEST(BlockJsonlSourceTest, CrlfLineEndsAndAByteOrderMark) {
  ExpectSameAsLineReader("\xEF\xBB\xBF{\"a\": 1}\r\n{\"b\": 2}\r\n\xEF\xBB\xBF{}\r\n{\"c\": 3}\r");
  ExpectSameAsLineReader("\xEF\xBB\xBF\r\n{}\n");
}

TEST(BlockJsonlSourceTest, LinesLongerThanABlockAndOverTheLimit) {
  std::string text = "{\"long\": \"" + std::string(300, 'x') + "\"}\n";
  text += "{\"over\": \"" + std::string(2000, 'y') + "\"}\r\n{\"after\": 1}\n";
  text += "{\"last_over\": \"" + std::string(1500, 'z') + "\"}";
  ExpectSameAsLineReader(text, 1000);
  // A line of exactly the limit is kept; one byte more is not.
  ExpectSameAsLineReader(std::string(1000, 'a') + "\n" + std::string(1001, 'b') + "\n", 1000);
}

TEST(BlockJsonlSourceTest, ManyLinesOfEveryLength) {
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "{\"i\": " + std::to_string(i) + ", \"pad\": \"" + std::string(i % 37, 'p') + "\"}";
    text += i % 11 == 0 ? "\r\n" : i % 17 == 0 ? "\n\n" : "\n";
  }
  ExpectSameAsLineReader(text);
}

// A record inside a block is handed on with the block as its owner, and a batch holds the block
// rather than copying the text; the text is followed by readable padding either way.
TEST(BlockJsonlSourceTest, BatchesHoldBlocksInsteadOfCopies) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 100; ++i) text += "{\"i\": " + std::to_string(i) + "}\n";
  std::string path = dir.Write("traces.jsonl", text).string();
  std::vector<std::string> inputs = {path};
  BatchingOptions options;
  options.source.block_bytes = 64;
  RecordBatcher batcher(inputs, options, nullptr);
  RecordBatch batch;
  std::vector<std::string> seen;
  size_t held = 0;
  while (batcher.Next(batch)) {
    for (const RecordBatch::Record& record : batch.records) {
      seen.emplace_back(batch.json(record));
      // The padding may be read (simdjson parses in place without copying).
      simdjson::dom::parser parser;
      auto parsed = parser.parse(batch.json(record).data(), record.length, false);
      EXPECT_FALSE(parsed.error()) << batch.json(record);
      if (record.data) ++held;
    }
    batch.Clear();
  }
  ASSERT_TRUE(batcher.status().ok());
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], "{\"i\": " + std::to_string(i) + "}");
  EXPECT_GT(held, 50u);  // most lines lie in one block of 64 bytes; the others were copied
  EXPECT_LT(held, 100u);
}

TEST(BlockJsonlSourceTest, AMissingFileIsNotFound) {
  auto source = OpenBlockJsonlSource("/nonexistent/traces.jsonl", SourceOptions());
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), Status::Code::kNotFound);
}

// A source dropped before the end of its file (a limit, an error elsewhere) stops its reading
// thread and gives its blocks back, also while batches still hold some.
TEST(BlockJsonlSourceTest, StopsWhenDroppedEarly) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "{\"i\": " + std::to_string(i) + "}\n";
  std::string path = dir.Write("traces.jsonl", text).string();
  std::shared_ptr<const void> kept;
  std::string_view kept_json;
  {
    auto source = OpenBlockJsonlSource(path, Options(1 << 20, 256));
    ASSERT_TRUE(source.ok());
    TraceRecord record;
    for (int i = 0; i < 10 && (*source)->Next(record); ++i) {
    }
    kept = record.owner;
    kept_json = record.json;
  }
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept_json, "{\"i\": 9}");  // still readable: the block outlives its reader
}

}  // namespace
}  // namespace arbiter
