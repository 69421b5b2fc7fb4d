// The annotation queue, the draft journal and the session without HTTP (the server and the page
// are tested with the real binary in tests/annotate_cli_test.cc and the browser test).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "runner/annotate/draft.h"
#include "runner/annotate/label_quality.h"
#include "runner/annotate/session.h"
#include "runner/annotate/trace_queue.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::TempDir;

Label MakeLabel(const std::string& trace, const std::string& mode, const std::string& value,
                const std::string& reviewer = "ana") {
  Label label;
  label.trace_id = trace;
  label.failure_mode = mode;
  label.label = value;
  label.reviewer = reviewer;
  label.labeled_at = "2026-12-01T00:00:00Z";
  return label;
}

TEST(TraceQueueTest, IndexesLinesKeepsOrderAndSkipsWhatIsNoTrace) {
  TempDir dir;
  auto file = dir.Write("q.jsonl",
                        "\xEF\xBB\xBF{\"trace_id\": \"b\", \"output\": \"x\"}\n"
                        "\n"
                        "{\"output\": \"no id\"}\n"
                        "{\"messages\": [{\"trace_id\": \"nested\"}], \"trace_id\": \"a\"}\r\n"
                        "not json\n"
                        "{\"trace_id\": \"b\"}\n"
                        "{\"trace_id\": \"d\", \"output\": broken}\n"
                        "{\"trace_id\": \"e\", \"messages\": \"hi\"}\n"
                        "{\"trace_id\": \"c\"}");
  auto queue = TraceQueue::Open(file);
  ASSERT_TRUE(queue.ok()) << queue.status().message();
  ASSERT_EQ((*queue)->size(), 3u);
  EXPECT_EQ((*queue)->TraceId(0), "b");
  EXPECT_EQ((*queue)->TraceId(1), "a");  // the top-level id, not the nested one
  EXPECT_EQ((*queue)->TraceId(2), "c");
  EXPECT_EQ((*queue)->Line(2), "{\"trace_id\": \"c\"}");
  EXPECT_EQ((*queue)->LineNumber(1), 4u);
  EXPECT_EQ((*queue)->Find("c"), 2u);
  EXPECT_FALSE((*queue)->Find("nested").has_value());
  // Each line is checked as `run` checks a trace: one broken after its trace_id (line 7) or
  // with a field of the wrong type (line 8) stays out of the queue, with run's reason.
  ASSERT_EQ((*queue)->skipped().size(), 5u);
  EXPECT_THAT((*queue)->skipped()[0], HasSubstr("q.jsonl:3: missing required field 'trace_id'"));
  EXPECT_THAT((*queue)->skipped()[1], HasSubstr("q.jsonl:5: not valid JSON at column 2: "));
  EXPECT_THAT((*queue)->skipped()[2], HasSubstr("q.jsonl:7: not valid JSON at column 29: "));
  EXPECT_THAT((*queue)->skipped()[3], HasSubstr("q.jsonl:8: field 'messages' must be an array"));
  EXPECT_THAT((*queue)->skipped()[4], HasSubstr(":6: trace_id 'b' came before, at line 1"));
}

TEST(TraceQueueTest, ReadsGzipAndOtlpThroughTheTraceReader) {
  // The bundled files, from the source root: 1000 traces each, gzip JSONL and OTLP/JSON spans.
  for (const char* file :
       {"datasets/seed/candidate-swap.jsonl.gz", "datasets/demo/traces.otlp.jsonl"}) {
    auto queue = TraceQueue::Open(file);
    ASSERT_TRUE(queue.ok()) << file << ": " << queue.status().message();
    EXPECT_EQ((*queue)->size(), 1000u) << file;
    EXPECT_EQ((*queue)->TraceId(0), "t-000001") << file;
    EXPECT_EQ((*queue)->path(), file);
    auto trace = nlohmann::json::parse((*queue)->Line(999));
    EXPECT_EQ(trace["trace_id"], "t-001000") << file;
    EXPECT_TRUE(trace.contains("output")) << file;
  }
  TempDir dir;
  auto broken = TraceQueue::Open(dir.Write("q.jsonl.gz", std::string("\x1f\x8b\x08\x00", 4)));
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.status().message(), HasSubstr("q.jsonl.gz"));
  auto empty = TraceQueue::Open(dir.Write("e.jsonl", "\n\n"));
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.status().message(), HasSubstr("no trace"));
}

TEST(DraftTest, JournalReplaysCutsATornLineAndWithdraws) {
  TempDir dir;
  {
    auto draft = Draft::Open(dir.path(), "set");
    ASSERT_TRUE(draft.ok()) << draft.status().message();
    ASSERT_TRUE((*draft)->Append(MakeLabel("t1", "m", "fail"), false).ok());
    ASSERT_TRUE((*draft)->Append(MakeLabel("t2", "m", "pass"), false).ok());
    ASSERT_TRUE((*draft)->Append(MakeLabel("t2", "m", "pass"), true).ok());
  }
  const auto journal = dir.path() / "set" / "draft" / "journal.jsonl";
  std::ofstream(journal, std::ios::app) << "{\"trace_id\": \"t3\", \"fail";  // died mid-write
  auto draft = Draft::Open(dir.path(), "set");
  ASSERT_TRUE(draft.ok()) << draft.status().message();
  EXPECT_EQ((*draft)->lines(), 3u);
  auto labels = DraftLabels({}, **draft);
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0].trace_id, "t1");
  EXPECT_EQ(labels[0].label, "fail");
  EXPECT_EQ(ReadFile(journal).back(), '\n');  // the torn line is gone from the file too
}

TEST(DraftTest, ASecondOpenIsRefusedNamingThePid) {
  TempDir dir;
  auto first = Draft::Open(dir.path(), "set");
  ASSERT_TRUE(first.ok());
  auto second = Draft::Open(dir.path(), "set");
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("pid " + std::to_string(getpid())));
}

TEST(DraftTest, ReadOnlyCreatesAndCutsNothingAndSeesAServer) {
  // `annotate --check` made draft/lock and draft/journal.jsonl, and cut a torn line.
  TempDir dir;
  auto fresh = Draft::Open(dir.path(), "set", Draft::Access::kReadOnly);
  ASSERT_TRUE(fresh.ok()) << fresh.status().message();
  EXPECT_TRUE((*fresh)->entries().empty());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "set"));
  EXPECT_FALSE((*fresh)->Append(MakeLabel("t1", "m", "fail"), false).ok());

  const auto journal = dir.path() / "set" / "draft" / "journal.jsonl";
  {
    auto server = Draft::Open(dir.path(), "set");
    ASSERT_TRUE(server.ok());
    ASSERT_TRUE((*server)->Append(MakeLabel("t1", "m", "fail"), false).ok());
    auto check = Draft::Open(dir.path(), "set", Draft::Access::kReadOnly);
    ASSERT_FALSE(check.ok());
    EXPECT_THAT(check.status().message(), HasSubstr("pid " + std::to_string(getpid())));
  }
  std::ofstream(journal, std::ios::app) << "{\"trace_id\": \"t3\", \"fail";  // died mid-write
  const std::string before = ReadFile(journal);
  auto check = Draft::Open(dir.path(), "set", Draft::Access::kReadOnly);
  ASSERT_TRUE(check.ok()) << check.status().message();
  EXPECT_EQ((*check)->lines(), 1u);
  EXPECT_EQ(ReadFile(journal), before);
}

TEST(DraftTest, CommitMakesTheNextVersionAndThenNothing) {
  TempDir dir;
  LabelStore store(dir.path());
  auto draft = Draft::Open(dir.path(), "set");
  ASSERT_TRUE(draft.ok());
  auto empty = CommitDraft(store, "set", **draft);
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->created.has_value());
  ASSERT_TRUE((*draft)->Append(MakeLabel("t1", "m", "fail"), false).ok());
  ASSERT_TRUE((*draft)->Append(MakeLabel("t2", "m", "pass"), false).ok());
  auto made = CommitDraft(store, "set", **draft);
  ASSERT_TRUE(made.ok()) << made.status().message();
  ASSERT_TRUE(made->created.has_value());
  EXPECT_EQ(made->created->ToString(), "set@v1");
  EXPECT_TRUE(store.Verify({"set", 1}).ok());
  EXPECT_EQ((*draft)->lines(), 0u);
  // Withdrawing a committed label makes v2 without it; the same again makes nothing.
  ASSERT_TRUE((*draft)->Append(MakeLabel("t1", "m", "fail"), true).ok());
  auto removed = CommitDraft(store, "set", **draft);
  ASSERT_TRUE(removed.ok()) << removed.status().message();
  ASSERT_TRUE(removed->created.has_value());
  EXPECT_EQ(removed->labels, 1u);
  EXPECT_EQ(removed->manifest["parent"], 1);
  ASSERT_TRUE((*draft)->Append(MakeLabel("t1", "m", "fail"), true).ok());
  auto same = CommitDraft(store, "set", **draft);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->created.has_value());
  // Withdrawing the last label would make a version that cannot be read: refused, draft kept.
  ASSERT_TRUE((*draft)->Append(MakeLabel("t2", "m", "pass"), true).ok());
  auto none = CommitDraft(store, "set", **draft);
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("withdraws every label of set@v2"));
  EXPECT_EQ((*draft)->lines(), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "set" / "v3"));
}

TEST(LabelQualityTest, UnknownModesTracesAndScalesAreRefusedWithTheLine) {
  LabelQualityRules rules;
  rules.check_modes = true;
  rules.modes = {{"invented-citation", LabelScale::kBinary}, {"tone", LabelScale::kOneToFive}};
  rules.trace_ids = std::unordered_set<std::string>{"t1"};
  std::vector<Label> labels = {MakeLabel("t1", "invented-citaton", "fail"),
                               MakeLabel("t9", "invented-citation", "pass"),
                               MakeLabel("t1", "tone", "7"), MakeLabel("t1", "tone", "4")};
  for (size_t i = 0; i < labels.size(); ++i) labels[i].line = i + 2;
  Status status = CheckLabelQuality(labels, rules, "l.csv");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("l.csv:2: failure mode 'invented-citaton'"));
  EXPECT_THAT(status.message(), HasSubstr("did you mean 'invented-citation'?"));
  EXPECT_THAT(status.message(), HasSubstr("l.csv:3: trace id 't9' is not in the traces"));
  EXPECT_THAT(status.message(), HasSubstr("l.csv:4: label '7' is not on the 1-5 scale"));
  EXPECT_THAT(status.message(), Not(HasSubstr("l.csv:5")));
  rules.allow_new_failure_mode = true;
  rules.trace_ids.reset();
  labels.erase(labels.begin() + 2);
  EXPECT_TRUE(CheckLabelQuality(labels, rules, "l.csv").ok());
}

TEST(AnnotateSessionTest, BlindReviewersAndProgress) {
  TempDir dir;
  AnnotateOptions options;
  options.queue = dir.Write("q.jsonl",
                            "{\"trace_id\": \"t1\", \"output\": \"mail ana@example.com\", "
                            "\"_triage\": {\"rank\": 1, \"reasons\": [{\"signal\": \"error\"}]}}\n"
                            "{\"trace_id\": \"t2\", \"output\": \"ok\"}\n");
  options.label_root = dir.path() / "labels";
  options.label_set = "set";
  options.reviewer = "ana";
  options.have_suite = true;
  options.suite_modes = {{"m", "a mode", "", LabelScale::kBinary, {"e"}}};
  options.redactor = std::make_shared<const Redactor>();
  auto session = AnnotateSession::Open(options);
  ASSERT_TRUE(session.ok()) << session.status().message();
  AnnotateSession& s = **session;
  auto trace = s.Trace(0, "ana");
  ASSERT_TRUE(trace.ok());
  EXPECT_EQ((*trace)["trace"]["output"], "mail <EMAIL>");
  EXPECT_EQ((*trace)["triage"]["rank"], 1);
  EXPECT_FALSE((*trace)["trace"].contains("_triage"));
  EXPECT_EQ(s.Trace(2, "ana").status().code(), Status::Code::kNotFound);

  auto post = [&](const std::string& reviewer, const nlohmann::json& body) {
    return s.PostLabel(body, reviewer);
  };
  EXPECT_FALSE(post("ana", {{"trace_id", "t1"}, {"failure_mode", "x"}, {"label", "fail"}}).ok());
  EXPECT_FALSE(post("ana", {{"trace_id", "t9"}, {"failure_mode", "m"}, {"label", "fail"}}).ok());
  EXPECT_FALSE(post("ana", {{"trace_id", "t1"}, {"failure_mode", "m"}, {"label", 3}}).ok());
  ASSERT_TRUE(post("ben", {{"trace_id", "t1"}, {"failure_mode", "m"}, {"label", "fail"}}).ok());
  // ana does not see ben's label until she has labeled the failure mode herself.
  EXPECT_TRUE((*s.Trace(0, "ana"))["others"].empty());
  ASSERT_TRUE(post("ana", {{"trace_id", "t1"}, {"failure_mode", "m"}, {"label", "pass"}}).ok());
  auto seen = s.Trace(0, "ana");
  ASSERT_EQ((*seen)["others"].size(), 1u);
  EXPECT_EQ((*seen)["others"][0]["reviewer"], "ben");
  auto progress = s.Progress("ana");
  EXPECT_EQ(progress["labeled"], 1);
  EXPECT_EQ(progress["next"], 1);
  ASSERT_EQ(progress["disagreements"].size(), 1u);
  EXPECT_EQ(progress["agreement"][0]["shared_traces"], 1);
}

}  // namespace
}  // namespace arbiter
