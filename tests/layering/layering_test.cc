// The layer order is enforced here: every #include under runner/ and plugins/, and every
// arbiter library a folder's CMakeLists.txt links, checked against the rules of layering.h.
#include "tests/layering/layering.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arbiter::layering {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Optional;

fs::path SourceDir() {
  const char* dir = std::getenv("ARBITER_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}

Layers TreeLayers() { return ReadLayers(SourceDir() / "runner" / "CMakeLists.txt"); }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(LayeringRulesTest, TheOrderComesFromRunnerCmakeLists) {
  Layers layers = TreeLayers();
  ASSERT_GE(layers.order.size(), 10u);
  EXPECT_EQ(layers.order.front(), "base");
  EXPECT_EQ(layers.order.back(), "cli");
  for (const std::string& layer : layers.order) {
    EXPECT_TRUE(fs::is_directory(SourceDir() / "runner" / layer)) << layer;
  }
}

TEST(LayeringRulesTest, AFolderIncludesItsOwnAndEarlierLayersOnly) {
  Layers layers = TreeLayers();
  EXPECT_EQ(IncludeViolation(layers, "runner/gate/gate.cc", "runner/scoring/run_output.h"),
            std::nullopt);
  EXPECT_EQ(IncludeViolation(layers, "runner/gate/gate.cc", "runner/gate/gate.h"), std::nullopt);
  EXPECT_THAT(IncludeViolation(layers, "runner/base/json_util.cc", "runner/cli/cli.h"),
              Optional(HasSubstr("may not include runner/cli/, a later layer")));
  EXPECT_THAT(IncludeViolation(layers, "runner/scoring/scorecard.cc", "runner/gate/gate.h"),
              Optional(HasSubstr("a later layer")));
  EXPECT_THAT(IncludeViolation(layers, "runner/nowhere/x.cc", "runner/base/status.h"),
              Optional(HasSubstr("not a layer")));
}

TEST(LayeringRulesTest, OnlyTheCommandLineSeesThePlugins) {
  Layers layers = TreeLayers();
  EXPECT_EQ(IncludeViolation(layers, "runner/cli/cli.cc", "plugins/register_builtins.h"),
            std::nullopt);
  EXPECT_THAT(IncludeViolation(layers, "runner/triage/signals.cc", "plugins/text/regex_plugin.h"),
              Optional(HasSubstr("may not include a plugin's header")));
  EXPECT_THAT(IncludeViolation(layers, "runner/cli/cli.cc", "plugins/lua/lua_plugin.h"),
              Optional(HasSubstr("may not include a plugin's header")));
  // The public ABI is for the plugin host and what comes after it.
  EXPECT_EQ(IncludeViolation(layers, "runner/plugin_host/plugin_library.cc",
                             "plugins/sdk/arbiter_plugin.h"),
            std::nullopt);
  EXPECT_TRUE(IncludeViolation(layers, "runner/source/trace_source.cc",
                               "plugins/sdk/arbiter_plugin.h"));
  // Tests may use the built-ins as fixtures and the shared test helpers.
  EXPECT_EQ(IncludeViolation(layers, "runner/scoring/run_pipeline_test.cc",
                             "plugins/register_builtins.h"),
            std::nullopt);
  EXPECT_EQ(IncludeViolation(layers, "runner/scoring/run_pipeline_test.cc", "tests/test_util.h"),
            std::nullopt);
  EXPECT_TRUE(IncludeViolation(layers, "runner/scoring/run_pipeline.cc", "tests/test_util.h"));
}

TEST(LayeringRulesTest, PluginsSeeThePluginApiOnly) {
  Layers layers = TreeLayers();
  EXPECT_EQ(IncludeViolation(layers, "plugins/text/regex_plugin.cc",
                             "runner/plugin_api/param_reader.h"),
            std::nullopt);
  EXPECT_EQ(IncludeViolation(layers, "plugins/text/regex_plugin.cc", "runner/base/json_util.h"),
            std::nullopt);
  EXPECT_EQ(IncludeViolation(layers, "plugins/text/contains_plugin.cc",
                             "plugins/text/pattern_list.h"),
            std::nullopt);
  EXPECT_THAT(IncludeViolation(layers, "plugins/text/regex_plugin.cc", "runner/trace/trace.h"),
              Optional(HasSubstr("only the plugin API")));
  EXPECT_THAT(IncludeViolation(layers, "plugins/lua/lua_plugin.cc", "runner/suite/suite.h"),
              Optional(HasSubstr("only the plugin API")));
  EXPECT_THAT(IncludeViolation(layers, "plugins/agent/citations_plugin.cc",
                               "plugins/text/pattern_list.h"),
              Optional(HasSubstr("its own folder")));
  EXPECT_THAT(IncludeViolation(layers, "plugins/examples/readability/readability_plugin.cc",
                               "runner/base/status.h"),
              Optional(HasSubstr("external plugin")));
}

TEST(LayeringRulesTest, LinksFollowTheOrderToo) {
  Layers layers = TreeLayers();
  EXPECT_EQ(LinkViolation(layers, "gate", "arbiter_calibration"), std::nullopt);
  EXPECT_THAT(LinkViolation(layers, "scoring", "arbiter_gate"),
              Optional(HasSubstr("not a layer before it")));
  EXPECT_THAT(LinkViolation(layers, "scoring", "arbiter_scoring"),
              Optional(HasSubstr("not a layer before it")));
  EXPECT_THAT(LinkViolation(layers, "suite", "arbiter_plugins"), Optional(HasSubstr("not a layer")));
  EXPECT_EQ(LinkViolation(layers, "cli", "arbiter_plugins"), std::nullopt);
  EXPECT_EQ(LinkViolation(layers, "plugins/text", "arbiter_plugin_api"), std::nullopt);
  EXPECT_THAT(LinkViolation(layers, "plugins/text", "arbiter_scoring"),
              Optional(HasSubstr("links the plugin API only")));
}

TEST(LayeringRulesTest, ParsesIncludesAndLinks) {
  EXPECT_THAT(QuotedIncludes("#include <vector>\n#include \"runner/base/status.h\"\n"
                             "  #  include \"a/b.h\"  // why\n// #include \"c/d.h\" in prose\n"),
              ::testing::ElementsAre("runner/base/status.h", "a/b.h"));
  EXPECT_THAT(LinkedArbiterLibraries("arbiter_library(arbiter_gate SOURCES gate.cc\n"
                                     "  DEPS arbiter_calibration # why\n  LIBS arbiter_x)\n"
                                     "arbiter_test(gate_test SOURCES t.cc LIBS arbiter_cli)\n"
                                     "target_link_libraries(gate_test PRIVATE arbiter_cli)\n"),
              ::testing::ElementsAre("arbiter_calibration"));
  EXPECT_THAT(LinkedArbiterLibraries("target_link_libraries(arbiter_plugin_text PUBLIC\n"
                                     "  arbiter_plugin_api PkgConfig::RE2)\n"),
              ::testing::ElementsAre("arbiter_plugin_api"));
}

// The whole tree: every include of every source file under runner/ and plugins/.
TEST(LayeringTreeTest, EveryIncludeKeepsToTheLayers) {
  Layers layers = TreeLayers();
  fs::path root = SourceDir();
  size_t files = 0;
  std::vector<std::string> violations;
  for (const char* top : {"runner", "plugins"}) {
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root / top)) {
      std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".cc" && ext != ".h" && ext != ".hpp" &&
                                       ext != ".c")) {
        continue;
      }
      ++files;
      std::string file = fs::relative(entry.path(), root).generic_string();
      for (const std::string& header : QuotedIncludes(ReadFile(entry.path()))) {
        if (std::optional<std::string> why = IncludeViolation(layers, file, header)) {
          violations.push_back(file + ": #include \"" + header + "\": " + *why);
        }
      }
    }
  }
  EXPECT_GT(files, 150u);
  EXPECT_THAT(violations, ::testing::IsEmpty());
}

// Every folder's library links only what its layer may.
TEST(LayeringTreeTest, EveryLibraryLinksEarlierLayersOnly) {
  Layers layers = TreeLayers();
  fs::path root = SourceDir();
  std::vector<std::string> violations;
  size_t folders = 0;
  auto check = [&](const std::string& folder, const fs::path& cmake) {
    ++folders;
    for (const std::string& library : LinkedArbiterLibraries(ReadFile(cmake))) {
      if (std::optional<std::string> why = LinkViolation(layers, folder, library)) {
        violations.push_back(cmake.string() + ": " + *why);
      }
    }
  };
  for (const std::string& layer : layers.order) {
    check(layer, root / "runner" / layer / "CMakeLists.txt");
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(root / "plugins")) {
    std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name == "sdk" || name == "examples") continue;
    check("plugins/" + name, entry.path() / "CMakeLists.txt");
  }
  EXPECT_GE(folders, layers.order.size() + 5);
  EXPECT_THAT(violations, ::testing::IsEmpty());
}

}  // namespace
}  // namespace arbiter::layering
