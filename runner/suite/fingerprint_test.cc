#include "runner/suite/fingerprint.h"

#include <gtest/gtest.h>

#include "plugins/register_builtins.h"
#include "runner/suite/suite.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::TempDir;

class FingerprintTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(RegisterBuiltinPlugins(registry_).ok()); }

  // The fingerprint of the declaration `yaml` written at `name` in `dir`.
  std::string Of(TempDir& dir, const std::string& name, const std::string& yaml) {
    Result<LoadedEvaluator> loaded = LoadEvaluator(dir.Write(name, yaml), registry_);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    if (!loaded.ok()) return "";
    EXPECT_EQ(loaded->fingerprint.size(), 64u);
    return loaded->fingerprint;
  }

  PluginRegistry registry_;
  TempDir dir_, other_;
};

constexpr char kNoPii[] =
    "id: no-pii\nversion: 1\nplugin: regex\ntarget: output\n"
    "params: {patterns: ['\\d{3}-\\d{2}-\\d{4}'], match: none}\n";

TEST_F(FingerprintTest, SameDeclarationSameFingerprintWhateverTheLayoutOrDescription) {
  std::string base = Of(dir_, "a.yaml", kNoPii);
  // Key order, flow vs block style and the description change no score.
  EXPECT_EQ(base, Of(dir_, "b.yaml",
                     "description: SSNs never leak\nplugin: regex\nid: no-pii\nversion: 1\n"
                     "params:\n  match: none\n  patterns: ['\\d{3}-\\d{2}-\\d{4}']\n"
                     "target: output\n"));
}

TEST_F(FingerprintTest, OtherPatternsSameIdAndVersionIsAnotherFingerprint) {
  std::string base = Of(dir_, "a.yaml", kNoPii);
  EXPECT_NE(base, Of(dir_, "b.yaml",
                     "id: no-pii\nversion: 1\nplugin: regex\ntarget: output\n"
                     "params: {patterns: ['@'], match: none}\n"));
  EXPECT_NE(base, Of(dir_, "c.yaml",
                     "id: no-pii\nversion: 1\nplugin: regex\ntarget: output\n"
                     "params: {patterns: ['\\d{3}-\\d{2}-\\d{4}'], match: none}\n"
                     "pass_threshold: 0.9\n"));
}

TEST_F(FingerprintTest, CoversTheBytesOfTheScriptButNotWhereItLives) {
  constexpr char kLua[] = "id: short\nversion: 1\nplugin: lua\nparams: {script: rule.lua}\n";
  dir_.Write("rule.lua", "function evaluate(trace) return true end\n");
  std::string base = Of(dir_, "e.yaml", kLua);
  other_.Write("rule.lua", "function evaluate(trace) return true end\n");
  EXPECT_EQ(base, Of(other_, "e.yaml", kLua));  // another checkout, the same bytes
  other_.Write("rule.lua", "function evaluate(trace) return false end\n");
  EXPECT_NE(base, Of(other_, "e.yaml", kLua));
}

}  // namespace
}  // namespace arbiter
