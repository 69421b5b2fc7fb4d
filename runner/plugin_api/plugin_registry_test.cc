#include "plugins/register_builtins.h"
#include "runner/plugin_api/plugin_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(PluginRegistryTest, EveryBuiltinIsRegisteredWithAParamsSchema) {
  PluginRegistry registry;
  ASSERT_TRUE(RegisterBuiltinPlugins(registry).ok());
  std::vector<std::string> names;
  for (const PluginInfo* info : registry.List()) {
    names.push_back(info->name);
    EXPECT_EQ(info->origin, "builtin") << info->name;
    EXPECT_GE(info->version, 1) << info->name;
    EXPECT_FALSE(info->description.empty()) << info->name;
    nlohmann::json schema = nlohmann::json::parse(info->params_schema, nullptr, false);
    EXPECT_FALSE(schema.is_discarded()) << info->name << " params schema is not JSON";
    EXPECT_EQ(schema.value("type", ""), "object") << info->name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"citations", "contains", "json_schema", "length",
                                             "llm_judge", "lua", "regex", "tool_calls"}));
}

TEST(PluginRegistryTest, DuplicateNamesAreRefusedNamingBothOrigins) {
  PluginRegistry registry;
  PluginInfo first;
  first.name = "dup";
  first.origin = "libone.so";
  first.create = [](const EvaluatorSpec&) -> Result<std::unique_ptr<Evaluator>> {
    return Status::Internal("unused");
  };
  PluginInfo second = first;
  second.origin = "libtwo.so";
  second.version = 2;
  ASSERT_TRUE(registry.Register(first).ok());
  Status status = registry.Register(second);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(),
            "plugin 'dup' version 2 from libtwo.so is already registered (version 1 from "
            "libone.so)");
}

TEST(PluginRegistryTest, UnknownNameSuggestsTheClosest) {
  PluginRegistry registry;
  ASSERT_TRUE(RegisterBuiltinPlugins(registry).ok());
  EXPECT_EQ(registry.Find("lau"), nullptr);
  EXPECT_THAT(registry.UnknownPluginMessage("lau"), HasSubstr("unknown plugin 'lau' (did you mean 'lua'?)"));
  EXPECT_THAT(registry.UnknownPluginMessage("zzzzzz"), Not(HasSubstr("did you mean")));
  EXPECT_THAT(registry.UnknownPluginMessage("zzzzzz"),
              HasSubstr("known plugins: citations contains json_schema length llm_judge lua regex tool_calls"));
}

}  // namespace
}  // namespace arbiter
