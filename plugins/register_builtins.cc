// Every plugin linked into the binary registers here, through the same PluginInfo that
// external plugins use.
#include "plugins/builtins/citations_plugin.h"
#include "plugins/builtins/contains_plugin.h"
#include "plugins/builtins/length_plugin.h"
#include "plugins/builtins/tool_calls_plugin.h"
#include "plugins/json_schema/json_schema_plugin.h"
#include "plugins/llm_judge/llm_judge_plugin.h"
#include "plugins/lua/lua_plugin.h"
#include "plugins/regex/regex_plugin.h"
#include "runner/plugin_registry.h"

namespace arbiter {

Status RegisterBuiltinPlugins(PluginRegistry& registry) {
  for (PluginInfo (*make)() : {RegexPlugin, ContainsPlugin, LengthPlugin, CitationsPlugin,
                               ToolCallsPlugin, JsonSchemaPlugin, LuaPlugin, LlmJudgePlugin}) {
    ARBITER_RETURN_IF_ERROR(registry.Register(make()));
  }
  return Status::OK();
}

}  // namespace arbiter
