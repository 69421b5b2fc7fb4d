// Reading lines: a UTF-8 byte-order mark at the start of a file is not part of the first line.
#include "runner/base/line_reader.h"

#include <string>

#include <gtest/gtest.h>

#include "runner/base/sha256.h"
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
  auto reader = LineReader::Open(path.string());
  Line line;
  while ((*reader)->Next(line)) {
  }
  EXPECT_EQ((*reader)->Sha256Hex(), Sha256Hex(text));
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

}  // namespace
}  // namespace arbiter
