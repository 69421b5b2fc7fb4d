// The user docs against the code that holds the truth: every built-in plugin's params, as
// `arbiter plugins --json` reports them, are named in docs/FORMATS.md under that plugin, and no
// param is documented that the plugin would refuse. A param added to a schema without a line of
// docs fails here.
#include <regex>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter::testing {
namespace {

// The paragraph of docs/FORMATS.md that starts with **`NAME`**, up to the next blank line.
std::string PluginParagraph(const std::string& formats, const std::string& name) {
  std::string heading = "**`" + name + "`**";
  size_t start = formats.find(heading);
  if (start == std::string::npos) return "";
  size_t end = formats.find("\n\n", start);
  return formats.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Backquoted words of a paragraph that look like param names (lower_snake_case).
std::set<std::string> QuotedNames(const std::string& paragraph) {
  std::set<std::string> names;
  static const std::regex quoted("`([a-z][a-z0-9_]*)`");
  for (auto it = std::sregex_iterator(paragraph.begin(), paragraph.end(), quoted);
       it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1].str());
  }
  return names;
}

// Names a params schema accepts: its properties, and those of nested objects (`price`'s keys).
void CollectAccepted(const nlohmann::json& schema, std::set<std::string>& names) {
  if (!schema.is_object() || !schema.contains("properties")) return;
  for (const auto& [param, inner] : schema["properties"].items()) {
    names.insert(param);
    CollectAccepted(inner, names);
  }
}

TEST(DocsTest, PluginsJsonIsOneDocument) {
  auto result = RunArbiter("plugins --json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto json = nlohmann::json::parse(result.out);
  ASSERT_TRUE(json["plugins"].is_array());
  EXPECT_GE(json["plugins"].size(), 8u);
  for (const auto& plugin : json["plugins"]) {
    EXPECT_TRUE(plugin["params_schema"].is_object()) << plugin["name"];
    EXPECT_TRUE(plugin["version"].is_number_integer()) << plugin["name"];
  }
}

TEST(DocsTest, FormatsNamesEveryParamOfEveryBuiltinPlugin) {
  std::string formats = ReadFile("docs/FORMATS.md");
  ASSERT_FALSE(formats.empty());
  auto result = RunArbiter("plugins --json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto json = nlohmann::json::parse(result.out);
  for (const auto& plugin : json["plugins"]) {
    if (plugin["origin"] != "builtin") continue;
    std::string name = plugin["name"];
    std::string paragraph = PluginParagraph(formats, name);
    ASSERT_FALSE(paragraph.empty()) << "docs/FORMATS.md has no **`" << name << "`** paragraph";
    std::set<std::string> documented = QuotedNames(paragraph);
    std::set<std::string> accepted;
    for (const auto& [param, schema] : plugin["params_schema"]["properties"].items()) {
      accepted.insert(param);
      EXPECT_TRUE(documented.count(param))
          << name << ": param '" << param << "' is not in docs/FORMATS.md";
    }
    // Only the plugin's own name and param names are written as lower_snake_case in backquotes
    // in its paragraph, plus values of enums (`any`, `mean`, ...) and trace paths; a documented
    // name that is none of those is a param the plugin does not accept.
    std::set<std::string> allowed;
    CollectAccepted(plugin["params_schema"], allowed);
    allowed.insert(name);
    for (const auto& [param, schema] : plugin["params_schema"]["properties"].items()) {
      if (schema.contains("enum"))
        for (const auto& value : schema["enum"]) allowed.insert(value.get<std::string>());
    }
    for (const char* word :
         {"target", "output", "tool_calls", "retrieved_documents", "evaluate", "error", "io", "os",
          "require", "load", "debug", "print", "coroutine", "nil", "score", "reason", "schema"}) {
      allowed.insert(word);
    }
    for (const std::string& word : documented) {
      EXPECT_TRUE(allowed.count(word))
          << name << ": docs/FORMATS.md names '" << word << "', which the plugin does not accept";
    }
  }
}

}  // namespace
}  // namespace arbiter::testing
