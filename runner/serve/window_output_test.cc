// A window written twice (a crash between writing it and cutting the journal writes it again at
// the next start) draws the same sample and leaves the same focus state: its focus-rule counts
// are not added twice.
#include "runner/serve/window_output.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "runner/sampling/focus_state.h"

namespace arbiter {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(WindowOutputTest, AWindowWrittenAgainCountsItsFocusRulesOnce) {
  const char* root = std::getenv("ARBITER_SOURCE_DIR");
  fs::path spool = fs::path(root ? root : ".") / "datasets/demo/traces.jsonl";
  Result<SamplePolicy> policy = ParseSamplePolicy(
      "strata: [metadata.intent]\ntargets: {default: 5}\n"
      "focus: [{name: errors, when: \"status == 'error'\", collect: 1000}]\n",
      "policy.yaml");
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  TriageOptions triage;
  fs::path out = fs::path(::testing::TempDir()) / "window_output_test";
  fs::remove_all(out);
  WindowSettings settings;
  settings.policy = &*policy;
  settings.triage = &triage;
  settings.focus_state = out / "focus-state.json";
  const uint64_t kHour = 3600000, kFirst = 1764806400000;  // 2025-12-04T00

  ASSERT_TRUE(
      WriteWindowOutputs(out, spool, WindowSpan{kFirst, kFirst + kHour}, settings, stderr).ok());
  Result<FocusState> once = LoadFocusState(settings.focus_state);
  ASSERT_TRUE(once.ok());
  uint64_t collected = once->rules["errors"].collected;
  ASSERT_GT(collected, 0u);
  std::string sample = ReadText(out / "samples" / (WindowName(kFirst) + ".jsonl"));

  // Written again: the same sample, the same state.
  ASSERT_TRUE(
      WriteWindowOutputs(out, spool, WindowSpan{kFirst, kFirst + kHour}, settings, stderr).ok());
  Result<FocusState> twice = LoadFocusState(settings.focus_state);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->rules["errors"].collected, collected);
  EXPECT_EQ(ReadText(out / "samples" / (WindowName(kFirst) + ".jsonl")), sample);

  // The next window counts on top.
  ASSERT_TRUE(WriteWindowOutputs(out, spool, WindowSpan{kFirst + kHour, kFirst + 2 * kHour},
                                 settings, stderr)
                  .ok());
  Result<FocusState> next = LoadFocusState(settings.focus_state);
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->rules["errors"].collected, collected);
  EXPECT_EQ(next->window_ms, kFirst + kHour);
  EXPECT_EQ(next->before_window["errors"].collected, collected);
}

}  // namespace
}  // namespace arbiter
