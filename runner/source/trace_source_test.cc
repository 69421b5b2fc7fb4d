// The up-front check of the trace files a command is given: every command that reads traces
// calls it, so its message and its code (a usage error) are pinned here once.
#include "runner/source/trace_source.h"

#include <sys/stat.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/gzip_util.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::Gzip;
using testing::TempDir;

// Whether the records of `path` came from the block reader: only it hands a record on with the
// block that holds it as its owner (TraceRecord::owner), where LineReader's lines are copied.
// The texts read are appended to `texts`.
bool ReadInBlocks(const std::string& path, TraceFormat format, std::vector<std::string>& texts) {
  SourceOptions options;
  options.format = format;
  auto source = OpenTraceSource(path, options);
  EXPECT_TRUE(source.ok()) << source.status().message();
  if (!source.ok()) return false;
  bool owned = false;
  TraceRecord record;
  while ((*source)->Next(record)) {
    owned = owned || record.owner != nullptr;
    texts.emplace_back(record.json);
  }
  EXPECT_TRUE((*source)->status().ok());
  return owned;
}

TEST(CheckTraceFilesTest, ExistingFilesAndStandardInputPass) {
  TempDir dir;
  std::string file = dir.Write("traces.jsonl", "{}\n").string();
  EXPECT_TRUE(CheckTraceFiles({}).ok());
  EXPECT_TRUE(CheckTraceFiles({file, "-"}).ok());
}

TEST(CheckTraceFilesTest, NamesTheFirstMissingFile) {
  TempDir dir;
  std::string file = dir.Write("traces.jsonl", "{}\n").string();
  std::string missing = (dir.path() / "nope.jsonl").string();
  Status status = CheckTraceFiles({file, missing, (dir.path() / "other.jsonl").string()});
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message(), missing + ": no such trace file");
}

TEST(CheckTraceFilesTest, AFolderIsNotATraceFile) {
  TempDir dir;
  Status status = CheckTraceFiles({dir.path().string()});
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message(), dir.path().string() +
                                  ": is a folder, not a trace file (give the files in it, e.g. " +
                                  dir.path().string() + "/*.jsonl)");
}

TEST(CheckTraceFilesTest, APipeIsATraceFileReadOnce) {
  TempDir dir;
  std::string fifo = (dir.path() / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_TRUE(CheckTraceFiles({fifo, "-"}).ok());
  EXPECT_TRUE(IsStreamInput(fifo));
  EXPECT_TRUE(IsStreamInput("-"));
  EXPECT_FALSE(IsStreamInput(dir.Write("t.jsonl", "{}\n").string()));
}

// The block reader (block_jsonl_source.h) is the fast path for the common input: a plain JSONL
// file, detected or named with --format jsonl. A gzip file, standard input and OTLP go through
// LineReader. Both paths give the same records.
TEST(OpenTraceSourceTest, APlainJsonlFileIsReadInBlocksAndTheOthersLineByLine) {
  TempDir dir;
  const std::string text = "{\"trace_id\": \"a\"}\n\n{\"trace_id\": \"b\"}\n";
  const std::vector<std::string> expected = {"{\"trace_id\": \"a\"}", "{\"trace_id\": \"b\"}"};
  std::string plain = dir.Write("traces.jsonl", text).string();
  std::string gzip = dir.Write("traces.jsonl.gz", Gzip(text)).string();
  for (TraceFormat format : {TraceFormat::kAuto, TraceFormat::kJsonl}) {
    std::vector<std::string> texts;
    EXPECT_TRUE(ReadInBlocks(plain, format, texts));
    EXPECT_EQ(texts, expected);
    texts.clear();
    EXPECT_FALSE(ReadInBlocks(gzip, format, texts));
    EXPECT_EQ(texts, expected);
  }
  std::vector<std::string> texts;
  std::string otlp = dir.Write("otlp.jsonl", "{\"resourceSpans\": []}\n").string();
  EXPECT_FALSE(ReadInBlocks(otlp, TraceFormat::kAuto, texts));
  EXPECT_TRUE(texts.empty());  // a document without spans holds no trace
}

}  // namespace
}  // namespace arbiter
