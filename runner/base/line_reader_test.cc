// Reading lines: a UTF-8 byte-order mark at the start of a file is not part of the first line.
#include "runner/base/line_reader.h"

#include <algorithm>
#include <cstddef>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "runner/base/sha256.h"
#include "tests/gzip_util.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::TempDir;

std::vector<std::string> ReadAll(const std::string& path) {
  auto reader = LineReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  std::vector<std::string> lines;
  Line line;
  while ((*reader)->Next(line)) lines.emplace_back(line.text);
  EXPECT_TRUE((*reader)->status().ok());
  return lines;
}

TEST(LineReaderTest, AByteOrderMarkStartingTheFileIsDropped) {
  TempDir dir;
  std::string text = "\xEF\xBB\xBF{\"trace_id\": \"t-1\"}\r\n\xEF\xBB\xBF{}\n";
  auto path = dir.Write("traces.jsonl", text);
  std::vector<std::string> lines = ReadAll(path.string());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "{\"trace_id\": \"t-1\"}");
  EXPECT_EQ(lines[1], "\xEF\xBB\xBF{}");  // only a mark that starts the file is dropped
  // The file's hash still covers every byte, so it matches sha256sum.
  auto reader = LineReader::Open(path.string(), LineReader::kDefaultMaxLineBytes,
                                 InputHashSpec{InputHashKind::kSha256, 1});
  Line line;
  while ((*reader)->Next(line)) {
  }
  EXPECT_EQ((*reader)->InputHash(), Sha256Hex(text));
}

TEST(LineReaderTest, AByteOrderMarkSurvivesPushBack) {
  TempDir dir;
  auto reader = LineReader::Open(dir.Write("t.jsonl", "\xEF\xBB\xBF{}\n").string());
  Line line;
  ASSERT_TRUE((*reader)->Next(line));
  (*reader)->PushBack();
  ASSERT_TRUE((*reader)->Next(line));
  EXPECT_EQ(line.text, "{}");
}

// The ranges of a partition of a file read every line once, with the file's own numbers,
// wherever the cuts fall: mid-line, on a newline, past the end, with an unterminated last line.
TEST(LineReaderTest, RangesPartitionTheLines) {
  TempDir dir;
  std::string text = "first\n\nthird line\r\nfourth\n" + std::string(300, 'x') + "\nlast";
  auto path = dir.Write("traces.jsonl", text).string();
  std::vector<std::pair<uint64_t, std::string>> whole;
  {
    auto reader = LineReader::Open(path);
    Line line;
    while ((*reader)->Next(line)) whole.emplace_back(line.number, std::string(line.text));
  }
  for (uint64_t parts : {1, 2, 3, 5, 7, 64, 400}) {
    std::vector<std::pair<uint64_t, std::string>> joined;
    for (uint64_t part = 0; part < parts; ++part) {
      uint64_t begin = text.size() * part / parts, end = text.size() * (part + 1) / parts;
      auto reader = LineReader::OpenRange(path, begin, end);
      ASSERT_TRUE(reader.ok()) << reader.status().message();
      Line line;
      while ((*reader)->Next(line)) joined.emplace_back(line.number, std::string(line.text));
      EXPECT_TRUE((*reader)->status().ok());
    }
    EXPECT_EQ(joined, whole) << parts << " parts";
  }
  EXPECT_FALSE(LineReader::OpenRange((dir.path() / "missing").string(), 0, 1).ok());
}

// The progress display's share of bytes read: exact past each line of a plain file, counted from
// a range's start, and for a .gz file the compressed bytes, all of them at the end.
// The count before a shard's range is spread over threads, a piece of at least 16 MiB each: the
// pieces' counts add up to the one-thread count, at every cut, and past the file's end.
TEST(CountNewlinesBeforeTest, ThreadsCountWhatOneThreadCounts) {
  TempDir dir;
  std::string text;
  for (int i = 0; text.size() < (40u << 20); ++i) {
    text += std::string(static_cast<size_t>(i % 97), 'x') + (i % 5 == 0 ? "\n\n" : "\n");
  }
  const auto path = dir.Write("lines.txt", text);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (uint64_t end : {uint64_t{0}, uint64_t{1}, uint64_t{12345}, uint64_t{33} << 20,
                       uint64_t{text.size()}, uint64_t{text.size()} + 100}) {
    const uint64_t expected = static_cast<uint64_t>(std::count(
        text.begin(),
        text.begin() + static_cast<std::ptrdiff_t>(std::min<uint64_t>(end, text.size())), '\n'));
    for (size_t threads : {1, 2, 3, 8}) {
      EXPECT_EQ(CountNewlinesBefore(fd, end, threads), expected) << end << " bytes, " << threads;
    }
  }
  ::close(fd);
  EXPECT_GE(NewlineCountThreadsUsed(), 2u);  // 40 MiB holds two pieces of 16 MiB
}

TEST(LineReaderTest, BytesConsumedFollowsTheLinesRead) {
  TempDir dir;
  std::string text = "first\n\nthird line\r\n" + std::string(3000, 'x') + "\nlast";
  auto path = dir.Write("traces.jsonl", text).string();
  auto reader = LineReader::Open(path);
  EXPECT_EQ((*reader)->BytesConsumed(), 0u);
  Line line;
  ASSERT_TRUE((*reader)->Next(line));
  EXPECT_EQ((*reader)->BytesConsumed(), 6u);
  ASSERT_TRUE((*reader)->Next(line));
  ASSERT_TRUE((*reader)->Next(line));
  EXPECT_EQ((*reader)->BytesConsumed(), 19u);
  while ((*reader)->Next(line)) {
  }
  EXPECT_EQ((*reader)->BytesConsumed(), text.size());

  auto range = LineReader::OpenRange(path, 7, 30);  // from "third line" on
  EXPECT_EQ((*range)->BytesConsumed(), 0u);
  ASSERT_TRUE((*range)->Next(line));
  EXPECT_EQ(line.text, "third line");
  EXPECT_EQ((*range)->BytesConsumed(), 12u);  // 19 - 7

  std::string gz = testing::Gzip(text);
  auto zipped = LineReader::Open(dir.Write("traces.jsonl.gz", gz).string());
  while ((*zipped)->Next(line)) {
  }
  EXPECT_EQ((*zipped)->BytesConsumed(), gz.size());
}

// Reads start at 64 KiB and double: lines of 200 KiB span several reads, one of them over the
// line limit and skipped, in a plain file and in its gzip.
TEST(LineReaderTest, LinesLongerThanAReadAreWholeAndTheOversizedOneIsSkipped) {
  TempDir dir;
  const std::string first(200 << 10, 'a'), oversized(300 << 10, 'b'), last(150 << 10, 'c');
  std::string text = first + "\n" + oversized + "\n" + last + "\nend";
  for (const std::string& name : {std::string("long.jsonl"), std::string("long.jsonl.gz")}) {
    SCOPED_TRACE(name);
    auto path = dir.Write(name, name.ends_with(".gz") ? testing::Gzip(text) : text);
    auto reader = LineReader::Open(path.string(), 250 << 10);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    Line line;
    ASSERT_TRUE((*reader)->Next(line));
    EXPECT_EQ(line.text, first);
    ASSERT_TRUE((*reader)->Next(line));
    EXPECT_TRUE(line.oversized);
    EXPECT_EQ(line.length, oversized.size());
    EXPECT_EQ(line.number, 2u);
    ASSERT_TRUE((*reader)->Next(line));
    EXPECT_EQ(line.text, last);
    ASSERT_TRUE((*reader)->Next(line));
    EXPECT_EQ(line.text, "end");
    EXPECT_EQ(line.number, 4u);
    EXPECT_FALSE((*reader)->Next(line));
    EXPECT_TRUE((*reader)->status().ok());
  }
}

}  // namespace
}  // namespace arbiter
