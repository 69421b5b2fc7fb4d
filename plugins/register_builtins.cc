#include "plugins/register_builtins.h"

#include "plugins/agent/citations_plugin.h"
#include "plugins/agent/tool_calls_plugin.h"
#include "plugins/json_schema/json_schema_plugin.h"
#include "plugins/llm_judge/llm_judge_plugin.h"
#include "plugins/lua/lua_plugin.h"
#include "plugins/text/contains_plugin.h"
#include "plugins/text/length_plugin.h"
#include "plugins/text/regex_plugin.h"

namespace arbiter {

Status RegisterBuiltinPlugins(PluginRegistry& registry) {
  for (PluginInfo (*make)() : {RegexPlugin, ContainsPlugin, LengthPlugin, CitationsPlugin,
                               ToolCallsPlugin, JsonSchemaPlugin, LuaPlugin, LlmJudgePlugin}) {
    ARBITER_RETURN_IF_ERROR(registry.Register(make()));
  }
  return Status::OK();
}

}  // namespace arbiter
