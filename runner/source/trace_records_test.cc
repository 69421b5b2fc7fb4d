// A skipped record reads the same from every command: SkipMessage, and ForEachTraceRecord's
// report of the records it skips.
#include "runner/source/trace_records.h"

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

namespace arbiter {
namespace {

TEST(TraceRecordsTest, SkipMessageNamesFileLineAndReason) {
  EXPECT_EQ(SkipMessage("in/traces.jsonl", 12, "a trace must be a JSON object"),
            "in/traces.jsonl:12: a trace must be a JSON object; skipped");
  EXPECT_EQ(SkipMessage("-", 1, "not valid JSON"), "-:1: not valid JSON; skipped");
}

TEST(TraceRecordsTest, SkippedRecordsAreReportedWithSkipMessage) {
  std::string path = ::testing::TempDir() + "trace_records_test.jsonl";
  std::ofstream(path, std::ios::binary) << "{\"trace_id\": \"a\"}\n[1]\n{\"trace_id\": \"b\"}\n";
  std::FILE* diagnostics = std::tmpfile();
  ASSERT_NE(diagnostics, nullptr);
  uint64_t skipped = 0;
  uint64_t kept = 0;
  Status status = ForEachTraceRecord({path}, diagnostics, skipped,
                                     [&](const TraceRecord& record) -> Result<std::string> {
                                       if (record.json.front() != '{')
                                         return std::string("a trace must be a JSON object");
                                       ++kept;
                                       return std::string();
                                     });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(kept, 2u);
  EXPECT_EQ(skipped, 1u);
  std::rewind(diagnostics);
  char text[256] = {};
  size_t read = std::fread(text, 1, sizeof(text) - 1, diagnostics);
  std::fclose(diagnostics);
  EXPECT_EQ(std::string(text, read), SkipMessage(path, 2, "a trace must be a JSON object") + "\n");
}

}  // namespace
}  // namespace arbiter
