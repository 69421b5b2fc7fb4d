// The suite read once: its `plugins:` key and the suite itself come from one parsed document,
// with the file:line:column errors of each.
#include "runner/cli/suite_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/base/yaml_file.h"
#include "runner/plugin_host/plugin_loader.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::TempDir;

constexpr char kShort[] = "id: short\nversion: 1\nplugin: length\nparams: {max_chars: 10}\n";

TEST(SuitePluginPathsTest, ReadsThePluginsKeyOfTheDocument) {
  TempDir dir;
  dir.Write("libs/a.so", "");
  std::filesystem::path suite =
      dir.Write("suite.yaml", "name: s\nevaluators: [e.yaml]\nplugins: [libs/a.so, libs]\n");
  Result<YAML::Node> root = LoadYamlFile(suite);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  Result<std::vector<std::filesystem::path>> paths = SuitePluginPaths(suite, *root);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths,
            (std::vector<std::filesystem::path>{dir.path() / "libs/a.so", dir.path() / "libs"}));
}

TEST(SuitePluginPathsTest, NoKeyIsNoPlugins) {
  TempDir dir;
  std::filesystem::path suite = dir.Write("suite.yaml", "name: s\nevaluators: [e.yaml]\n");
  Result<YAML::Node> root = LoadYamlFile(suite);
  ASSERT_TRUE(root.ok());
  Result<std::vector<std::filesystem::path>> paths = SuitePluginPaths(suite, *root);
  ASSERT_TRUE(paths.ok());
  EXPECT_TRUE(paths->empty());
}

TEST(SuitePluginPathsTest, ErrorsCarryFileLineAndColumn) {
  TempDir dir;
  std::filesystem::path suite =
      dir.Write("suite.yaml", "name: s\nevaluators: [e.yaml]\nplugins: [nope.so]\n");
  Result<YAML::Node> root = LoadYamlFile(suite);
  ASSERT_TRUE(root.ok());
  EXPECT_THAT(SuitePluginPaths(suite, *root).status().message(),
              StartsWith(suite.string() + ":3:11: plugin library or folder '"));
  std::filesystem::path scalar =
      dir.Write("scalar.yaml", "name: s\nevaluators: [e.yaml]\nplugins: libs\n");
  root = LoadYamlFile(scalar);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(SuitePluginPaths(scalar, *root).status().message(),
            scalar.string() + ":3:10: plugins must be a list of libraries or folders");
}

TEST(LoadSuiteWithPluginsTest, LoadsTheSuiteWithTheBuiltIns) {
  TempDir dir;
  dir.Write("evaluators/short.yaml", kShort);
  std::string suite =
      dir.Write("suite.yaml", "name: demo\nevaluators: [evaluators/short.yaml]\nplugins: []\n")
          .string();
  PluginRegistry registry;
  Result<Suite> loaded = LoadSuiteWithPlugins(suite, registry);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->name, "demo");
  ASSERT_EQ(loaded->evaluators.size(), 1u);
  EXPECT_EQ(loaded->evaluators[0].plugin->name, "length");
}

TEST(LoadSuiteWithPluginsTest, KeepsTheErrorsOfEachPart) {
  TempDir dir;
  dir.Write("evaluators/short.yaml", kShort);
  PluginRegistry missing_plugin;
  std::string suite =
      dir.Write("a.yaml", "name: s\nevaluators: [evaluators/short.yaml]\nplugins: [x.so]\n")
          .string();
  EXPECT_THAT(LoadSuiteWithPlugins(suite, missing_plugin).status().message(),
              StartsWith(suite + ":3:11: plugin library or folder '"));
  PluginRegistry unknown_key;
  suite = dir.Write("b.yaml", "name: s\nevaluators: [evaluators/short.yaml]\nstrat: []\n").string();
  EXPECT_THAT(LoadSuiteWithPlugins(suite, unknown_key).status().message(),
              StartsWith(suite + ":3:1: unknown key 'strat'"));
  PluginRegistry absent;
  Status status = LoadSuiteWithPlugins((dir.path() / "absent.yaml").string(), absent).status();
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("absent.yaml: cannot read file"));
}

TEST(LoadSuiteWithPluginsTest, PluginPathErrorsNameTheLibrary) {
  TempDir dir;
  dir.Write("evaluators/short.yaml", kShort);
  std::string suite =
      dir.Write("suite.yaml", "name: s\nevaluators: [evaluators/short.yaml]\n").string();
  PluginRegistry registry;
  EXPECT_THAT(
      LoadSuiteWithPlugins(suite, registry, {(dir.path() / "none.so").string()}).status().message(),
      HasSubstr("none.so: no such plugin library or folder"));
}

}  // namespace
}  // namespace arbiter
