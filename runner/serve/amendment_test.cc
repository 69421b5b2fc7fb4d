// Amending spooled traces: the spans of each amended trace are collected from journal records by
// trace id and receive time, and its line is replaced in place, found by content.
#include "runner/serve/amendment.h"

#include <fstream>

#include <gtest/gtest.h>

#include "runner/serve/fixture_spans.h"
#include "runner/source/otlp/mapping.h"

namespace arbiter {
namespace {

namespace fs = std::filesystem;

std::string Mapped(std::vector<OtlpSpan> spans) {
  Result<std::string> json = TryMapOtlpTraceJson(spans, OtlpMappingOptions{});
  EXPECT_TRUE(json.ok());
  return json.ok() ? *json : "";
}

std::vector<std::string> FileLines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A client reusing trace id 8f1e...: one trace of its child span alone, completed and forgotten,
// then a second of its root, which a late span (the child again) amends. Only the second changes.
TEST(AmendmentTest, TheAmendedTraceIsReplacedInPlaceAndAReusedIdIsLeftAlone) {
  std::vector<OtlpSpan> first = FixtureSpans("split_1.json");  // child of 8f1e..., root of 9a8b...
  ASSERT_EQ(first.size(), 2u);
  OtlpSpan child = first[0], other = first[1];
  std::vector<OtlpSpan> second = FixtureSpans("split_2.json");  // root of 8f1e...
  ASSERT_EQ(second.size(), 1u);
  OtlpSpan root = second[0];
  ASSERT_EQ(child.trace_id, root.trace_id);

  Amendments amendments;
  AmendedTrace& amended = amendments[{root.trace_id, 300}];
  amended.spans_at_completion = 1;
  amended.last_recv_ms = 400;
  CollectAmendedSpans({child}, 100, amendments);  // the earlier trace of the same id
  CollectAmendedSpans({other}, 150, amendments);
  CollectAmendedSpans({root}, 300, amendments);
  CollectAmendedSpans({child}, 400, amendments);  // the amending span
  CollectAmendedSpans({root}, 401, amendments);   // a later trace again
  ASSERT_EQ(amended.spans.size(), 2u);

  fs::path dir = fs::path(::testing::TempDir()) / "amendment_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream spool(dir / "spool.jsonl");
    spool << Mapped({child}) << "\n" << Mapped({other}) << "\n" << Mapped({root}) << "\n";
  }
  Result<AmendCounts> counts =
      AmendSpool(dir / "spool.jsonl", dir / "amended.jsonl", amendments, OtlpMappingOptions{});
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(counts->amended, 1u);
  EXPECT_EQ(counts->unmappable, 0u);
  std::vector<std::string> expected = {Mapped({child}), Mapped({other}), Mapped({root, child})};
  EXPECT_EQ(FileLines(dir / "amended.jsonl"), expected);
  EXPECT_NE(expected[2], Mapped({root}));
}

// An amended trace whose spooled line is not there (its first mapping failed) is added, not lost.
TEST(AmendmentTest, AnAmendedTraceWithoutALineIsAppended) {
  std::vector<OtlpSpan> spans = FixtureSpans("split_1.json");
  Amendments amendments;
  AmendedTrace& amended = amendments[{spans[1].trace_id, 10}];
  amended.spans_at_completion = 1;
  amended.last_recv_ms = 20;
  CollectAmendedSpans({spans[1]}, 10, amendments);
  CollectAmendedSpans({spans[1]}, 20, amendments);
  fs::path dir = fs::path(::testing::TempDir()) / "amendment_test_append";
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream spool(dir / "spool.jsonl");
    spool << Mapped({spans[0]}) << "\n";
  }
  Result<AmendCounts> counts =
      AmendSpool(dir / "spool.jsonl", dir / "amended.jsonl", amendments, OtlpMappingOptions{});
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->amended, 1u);
  std::vector<std::string> expected = {Mapped({spans[0]}), Mapped({spans[1], spans[1]})};
  EXPECT_EQ(FileLines(dir / "amended.jsonl"), expected);
}

// The journal lacking a span the trace completed with is corruption, not a silent half trace.
TEST(AmendmentTest, MissingSpansAreAnError) {
  Amendments amendments;
  AmendedTrace& amended = amendments[{"8f1e2d3c4b5a69788f1e2d3c4b5a6978", 10}];
  amended.spans_at_completion = 3;
  fs::path dir = fs::path(::testing::TempDir()) / "amendment_test_missing";
  fs::remove_all(dir);
  fs::create_directories(dir);
  { std::ofstream spool(dir / "spool.jsonl"); }
  Result<AmendCounts> counts =
      AmendSpool(dir / "spool.jsonl", dir / "amended.jsonl", amendments, OtlpMappingOptions{});
  ASSERT_FALSE(counts.ok());
  EXPECT_NE(counts.status().message().find("lacks spans"), std::string::npos);
}

}  // namespace
}  // namespace arbiter
