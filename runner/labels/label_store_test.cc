// Label files and label sets: parsing errors with file:line, versions that are never rewritten,
// tampering detected and located, diffs and reviewer agreement.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/labels/label_compare.h"
#include "runner/labels/label_store.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::TempDir;

LabelFileOptions Defaults() {
  LabelFileOptions options;
  options.default_reviewer = "ana";
  options.default_labeled_at = "2026-11-20T10:00:00Z";
  return options;
}

constexpr char kCsv[] =
    "trace_id,failure_mode,label,note\n"
    "t-1,invented-citation,fail,\"cites [doc7], only 3 retrieved\"\n"
    "t-2,invented-citation,pass,\n"
    "t-3,tone,4,\"graded, \"\"polite\"\"\"\n";

TEST(LabelFileTest, ReadsCsvWithQuotingAndDefaults) {
  TempDir dir;
  auto labels = ReadLabelFile(dir.Write("l.csv", kCsv), Defaults());
  ASSERT_TRUE(labels.ok()) << labels.status().message();
  ASSERT_EQ(labels->size(), 3u);
  EXPECT_EQ((*labels)[0].note, "cites [doc7], only 3 retrieved");
  EXPECT_EQ((*labels)[0].reviewer, "ana");
  EXPECT_EQ((*labels)[0].labeled_at, "2026-11-20T10:00:00Z");
  EXPECT_TRUE((*labels)[2].graded());
  EXPECT_EQ((*labels)[2].label, "4.0");
  EXPECT_EQ((*labels)[2].note, "graded, \"polite\"");
}

TEST(LabelFileTest, ReadsJsonl) {
  TempDir dir;
  auto labels = ReadLabelFile(
      dir.Write("l.jsonl",
                "{\"trace_id\": \"t-1\", \"failure_mode\": \"pii-leak\", \"label\": \"fail\", "
                "\"reviewer\": \"ben\"}\n\n{\"trace_id\": \"t-2\", \"failure_mode\": \"tone\", "
                "\"label\": 3}\n"),
      Defaults());
  ASSERT_TRUE(labels.ok()) << labels.status().message();
  EXPECT_EQ((*labels)[0].reviewer, "ben");
  EXPECT_EQ((*labels)[1].reviewer, "ana");
  EXPECT_EQ((*labels)[1].label, "3.0");
}

TEST(LabelFileTest, AByteOrderMarkIsNotPartOfTheFirstLine) {
  // Excel's "CSV UTF-8" starts the file with EF BB BF; the header's first column was unknown.
  TempDir dir;
  auto csv = ReadLabelFile(dir.Write("l.csv", "\xEF\xBB\xBF" + std::string(kCsv)), Defaults());
  ASSERT_TRUE(csv.ok()) << csv.status().message();
  EXPECT_EQ(csv->size(), 3u);
  auto jsonl = ReadLabelFile(
      dir.Write("l.jsonl",
                "\xEF\xBB\xBF{\"trace_id\": \"t-1\", \"failure_mode\": \"tone\", \"label\": "
                "\"pass\"}\n"),
      Defaults());
  ASSERT_TRUE(jsonl.ok()) << jsonl.status().message();
  ASSERT_EQ(jsonl->size(), 1u);
  EXPECT_EQ((*jsonl)[0].trace_id, "t-1");
}

TEST(LabelFileTest, BadRowsAreAllReportedWithFileAndLine) {
  TempDir dir;
  auto path = dir.Write("bad.csv",
                        "trace_id,failure_mode,label\n"
                        "t-1,invented-citation,maybe\n"
                        ",invented-citation,pass\n"
                        "t-3,Invented Citation,pass\n"
                        "t-4,invented-citation\n"
                        "t-5,invented-citation,\"fail\n");
  auto labels = ReadLabelFile(path, Defaults());
  ASSERT_FALSE(labels.ok());
  const std::string& m = labels.status().message();
  EXPECT_THAT(m, HasSubstr(path.string() + ":2: label 'maybe' is not pass, fail or a number"));
  EXPECT_THAT(m, HasSubstr(path.string() + ":3: trace_id is empty"));
  EXPECT_THAT(m, HasSubstr(path.string() + ":4: failure_mode 'Invented Citation' is not a name"));
  EXPECT_THAT(m, HasSubstr(path.string() + ":5: 2 fields, the header has 3"));
  EXPECT_THAT(m, HasSubstr(path.string() + ":6: unterminated quote"));
}

TEST(LabelFileTest, AQuotedFieldMayHoldLineBreaks) {
  // Excel writes a note of two lines as one quoted field over two lines (CRLF between rows and
  // inside the field); it was "unterminated quote" twice.
  TempDir dir;
  auto path = dir.Write("notes.csv",
                        "trace_id,failure_mode,label,note\r\n"
                        "t-1,tone,fail,\"first line\r\nsecond, with \"\"quotes\"\"\"\r\n"
                        "t-2,tone,pass,plain\r\n");
  auto labels = ReadLabelFile(path, Defaults());
  ASSERT_TRUE(labels.ok()) << labels.status().message();
  ASSERT_EQ(labels->size(), 2u);
  EXPECT_EQ((*labels)[0].note, "first line\nsecond, with \"quotes\"");
  EXPECT_EQ((*labels)[0].line, 2u);
  EXPECT_EQ((*labels)[1].trace_id, "t-2");
  EXPECT_EQ((*labels)[1].line, 4u);
}

TEST(LabelFileTest, DuplicatesAndMixedScalesAreErrors) {
  TempDir dir;
  auto path = dir.Write("dup.csv",
                        "trace_id,failure_mode,label\n"
                        "t-1,tone,pass\n"
                        "t-1,tone,fail\n"
                        "t-2,tone,3\n");
  auto labels = ReadLabelFile(path, Defaults());
  ASSERT_FALSE(labels.ok());
  EXPECT_THAT(labels.status().message(),
              HasSubstr(":3: 'ana' already labeled t-1 for tone on line 2"));
  EXPECT_THAT(labels.status().message(),
              HasSubstr(":4: failure mode tone mixes pass/fail and graded"));
  auto bad_json = ReadLabelFile(dir.Write("x.jsonl", "{\"trace_id\": 1}\n"), Defaults());
  ASSERT_FALSE(bad_json.ok());
  EXPECT_THAT(bad_json.status().message(), HasSubstr("x.jsonl:1: trace_id must be a string"));
}

TEST(LabelFileTest, AHeaderNamingAColumnTwiceIsRefused) {
  // Its rows were read past their last field (a heap-use-after-free the fuzzer found).
  TempDir dir;
  auto labels = ReadLabelFile(dir.Write("twice.csv",
                                        "note,note,trace_id,failure_mode,label\n"
                                        "a,b,t-1,tone,pass\n"),
                              Defaults());
  ASSERT_FALSE(labels.ok());
  EXPECT_THAT(labels.status().message(),
              HasSubstr("twice.csv:1: the CSV header names 'note' twice"));
}

TEST(LabelFileTest, AJsonlNumberPastADoublesRangeIsALineError) {
  // nlohmann throws out_of_range, not parse_error, on 1e999: uncaught, it ended the process.
  TempDir dir;
  auto path = dir.Write("big.jsonl",
                        "{\"trace_id\": \"t-1\", \"failure_mode\": \"tone\", \"label\": 2}\n"
                        "{\"trace_id\": \"t-2\", \"failure_mode\": \"tone\", \"label\": 1e999}\n");
  auto labels = ReadLabelFile(path, Defaults());
  ASSERT_FALSE(labels.ok());
  EXPECT_THAT(labels.status().message(),
              HasSubstr(path.string() + ":2: not valid JSON: number overflow parsing '1e999'"));
  EXPECT_THAT(labels.status().message(), Not(HasSubstr("json.exception")));
}

TEST(LabelFileTest, AJsonlLineThatIsNotJsonIsNamedWithItsColumn) {
  TempDir dir;
  auto path = dir.Write("cut.jsonl",
                        "{\"trace_id\": \"t-1\", \"failure_mode\": \"tone\", \"label\": \"pass\"}\n"
                        "{\"trace_id\": \"t-2\", \"failure_mode\": }\n");
  auto labels = ReadLabelFile(path, Defaults());
  ASSERT_FALSE(labels.ok());
  EXPECT_THAT(labels.status().message(),
              HasSubstr(path.string() + ":2: not valid JSON at column 37: syntax error"));
  EXPECT_THAT(labels.status().message(), Not(HasSubstr("json.exception")));
}

TEST(LabelFileTest, AGradedValueThatUnderflowsReadsAsZero) {
  // std::stod threw out_of_range on it, ending the process.
  TempDir dir;
  auto labels = ReadLabelFile(dir.Write("g.csv", "trace_id,failure_mode,label\nt-1,tone,1e-400\n"),
                              Defaults());
  ASSERT_TRUE(labels.ok()) << labels.status().message();
  EXPECT_EQ((*labels)[0].value(), 0.0);
}

// Label set files are written read-only; a tampering test makes them writable first.
void Tamper(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::permissions(file, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

std::vector<Label> Labels(const std::string& csv) {
  TempDir dir;
  return *ReadLabelFile(dir.Write("l.csv", csv), Defaults());
}

TEST(LabelStoreTest, ImportMakesVersionsThatAreNeverRewritten) {
  TempDir dir;
  LabelStore store(dir.path());
  ImportOptions options;
  options.created_at = "2026-11-20T10:00:00Z";
  auto v1 = store.Import("cites", Labels(kCsv), options);
  ASSERT_TRUE(v1.ok()) << v1.status().message();
  EXPECT_EQ(v1->ToString(), "cites@v1");
  auto set = store.Load(*v1);
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->manifest["parent"], nullptr);
  EXPECT_EQ(set->manifest["failure_modes"]["invented-citation"]["fail"], 1);
  EXPECT_EQ(set->manifest["failure_modes"]["tone"]["graded"], 1);
  EXPECT_EQ(set->manifest["reviewers"], nlohmann::json::array({"ana"}));

  // A second reviewer: the next version keeps the parent's labels and adds ben's.
  auto v2 = store.Import("cites",
                         Labels("trace_id,failure_mode,label,reviewer\n"
                                "t-1,invented-citation,pass,ben\n"),
                         options);
  ASSERT_TRUE(v2.ok()) << v2.status().message();
  EXPECT_EQ(v2->version, 2);
  auto second = store.Load(*v2);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->labels.size(), 4u);
  EXPECT_EQ(second->manifest["parent"], 1);
  EXPECT_EQ(store.Versions("cites"), (std::vector<int>{1, 2}));

  // Writing an existing version fails, and leaves it as it was.
  std::string before = ReadFile(set->dir / "labels.jsonl");
  Status rewrite = store.Create({"cites", 1}, Labels(kCsv), std::nullopt, options);
  EXPECT_FALSE(rewrite.ok());
  EXPECT_THAT(rewrite.message(), HasSubstr("never rewritten"));
  EXPECT_EQ(ReadFile(set->dir / "labels.jsonl"), before);
  EXPECT_TRUE(store.Verify(*v1).ok());
}

TEST(LabelStoreTest, TamperingIsDetectedAndLocated) {
  TempDir dir;
  LabelStore store(dir.path());
  auto v1 = store.Import("cites", Labels(kCsv), {});
  ASSERT_TRUE(v1.ok());
  auto file = dir.path() / "cites" / "v1" / "labels.jsonl";
  std::string text = ReadFile(file);
  size_t second_line = text.find('\n') + 1;
  size_t flip = text.find("\"pass\"", second_line);
  ASSERT_NE(flip, std::string::npos);
  text.replace(flip, 6, "\"fail\"");
  Tamper(file, text);
  Status verified = store.Verify(*v1);
  ASSERT_FALSE(verified.ok());
  EXPECT_THAT(verified.message(), HasSubstr("sha256 mismatch"));
  EXPECT_THAT(verified.message(),
              HasSubstr("labels.jsonl: line 2 (bytes " + std::to_string(second_line) + "-"));
  EXPECT_FALSE(store.Load(*v1).ok());
}

TEST(LabelStoreTest, ManifestEditsAndStrayFilesAreDetected) {
  TempDir dir;
  LabelStore store(dir.path());
  auto v1 = store.Import("cites", Labels(kCsv), {});
  ASSERT_TRUE(v1.ok());
  auto manifest = dir.path() / "cites" / "v1" / "manifest.json";
  std::string text = ReadFile(manifest);
  size_t at = text.find("\"reviewers\": [\n    \"ana\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(text.find("\"ana\"", at), 5, "\"eve\"");
  Tamper(manifest, text);
  Status verified = store.Verify(*v1);
  ASSERT_FALSE(verified.ok());
  EXPECT_THAT(verified.message(), HasSubstr("manifest.json: 'reviewers' does not match"));
}

TEST(LabelStoreTest, LongOrBadNamesAreRefusedNotThrown) {
  // A 300-character name reached std::filesystem, which threw (an abort in the CLI).
  TempDir dir;
  LabelStore store(dir.path());
  const std::string long_name(300, 'a');
  auto imported = store.Import(long_name, Labels(kCsv), {});
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(imported.status().message(), "label set name '" + std::string(64, 'a') +
                                             "...' must match [a-z0-9][a-z0-9_.-]* and have at "
                                             "most 64 characters");
  EXPECT_FALSE(store.Verify({long_name, 1}).ok());
  EXPECT_FALSE(ParseLabelSetRef(long_name + "@v1").ok());
  EXPECT_FALSE(store.Import("../up", Labels(kCsv), {}).ok());
  EXPECT_TRUE(store.Import(std::string(64, 'a'), Labels(kCsv), {}).ok());
}

TEST(LabelStoreTest, WrongTypedManifestFieldsAreCorruptionNotThrown) {
  // Each once threw nlohmann::type_error out of Verify (an abort in `labels verify`).
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"\"created_at\": \"", "\"created_at\": 17, \"x\": \""},
      {"\"source\": \"", "\"source\": [], \"x\": \""},
      {"\"line_sha256\": [", "\"line_sha256\": 5, \"x\": ["},
      {"\"rubric_versions\": {", "\"rubric_versions\": 1, \"x\": {"}};
  for (const auto& [from, to] : edits) {
    TempDir dir;
    LabelStore store(dir.path());
    ASSERT_TRUE(store.Import("cites", Labels(kCsv), {}).ok());
    auto manifest = dir.path() / "cites" / "v1" / "manifest.json";
    std::string text = ReadFile(manifest);
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    Tamper(manifest, text);
    Status verified = store.Verify({"cites", 1});
    ASSERT_FALSE(verified.ok()) << to;
    EXPECT_EQ(verified.code(), Status::Code::kCorruption);
    EXPECT_THAT(verified.message(), HasSubstr("manifest.json: '")) << verified.message();
    EXPECT_THAT(verified.message(), HasSubstr("' must be ")) << verified.message();
    EXPECT_FALSE(store.Load({"cites", 1}).ok());
  }
  TempDir dir;
  LabelStore store(dir.path());
  ASSERT_TRUE(store.Import("cites", Labels(kCsv), {}).ok());
  auto manifest = dir.path() / "cites" / "v1" / "manifest.json";
  Tamper(manifest, "[1, 2]");
  EXPECT_THAT(store.Verify({"cites", 1}).message(), HasSubstr("manifest.json: not a JSON object"));
}

TEST(LabelStoreTest, ParsesReferences) {
  EXPECT_EQ(ParseLabelSetRef("citations@v2")->version, 2);
  EXPECT_EQ(ParseLabelSetRef("citations@3")->name, "citations");
  EXPECT_FALSE(ParseLabelSetRef("citations").ok());
  EXPECT_FALSE(ParseLabelSetRef("citations@v0").ok());
  EXPECT_FALSE(ParseLabelSetRef("@v1").ok());
}

TEST(LabelCompareTest, DiffFindsAddedRemovedAndFlipped) {
  auto older = Labels("trace_id,failure_mode,label\nt-1,m,fail\nt-2,m,pass\nt-3,m,pass\n");
  auto newer = Labels("trace_id,failure_mode,label\nt-1,m,pass\nt-3,m,pass\nt-4,m,fail\n");
  LabelDiff diff = DiffLabels(older, newer);
  ASSERT_EQ(diff.added.size(), 1u);
  EXPECT_EQ(diff.added[0].trace_id, "t-4");
  ASSERT_EQ(diff.removed.size(), 1u);
  EXPECT_EQ(diff.removed[0].trace_id, "t-2");
  ASSERT_EQ(diff.flipped.size(), 1u);
  EXPECT_EQ(diff.flipped[0].first.label, "fail");
  EXPECT_EQ(diff.flipped[0].second.label, "pass");
}

// Two reviewers on 50 traces in the proportions of Wikipedia's Cohen's kappa example (20 both
// fail, 15 both pass, 5 and 10 split): kappa 0.4.
TEST(LabelCompareTest, TwoReviewersGetCohensKappa) {
  std::string csv = "trace_id,failure_mode,label,reviewer\n";
  int id = 0;
  auto add = [&](const char* a, const char* b, int count) {
    for (int i = 0; i < count; ++i, ++id) {
      csv += "t-" + std::to_string(id) + ",m," + a + ",ana\n";
      csv += "t-" + std::to_string(id) + ",m," + b + ",ben\n";
    }
  };
  add("fail", "fail", 20);
  add("fail", "pass", 5);
  add("pass", "fail", 10);
  add("pass", "pass", 15);
  auto agreement = ReviewerAgreement(Labels(csv));
  ASSERT_EQ(agreement.size(), 1u);
  EXPECT_EQ(agreement[0].shared_traces, 50u);
  EXPECT_NEAR(*agreement[0].kappa, 0.4, 1e-12);
  ASSERT_TRUE(agreement[0].alpha.has_value());
}

}  // namespace
}  // namespace arbiter
