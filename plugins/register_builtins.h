// The plugins built into the `arbiter` binary, registered through the same PluginInfo that
// external plugins use. Declared here, not in the plugin API: the host's libraries never depend
// on a plugin; only the command line (and tests using the built-ins as fixtures) link them.
#pragma once

#include "runner/base/status.h"
#include "runner/plugin_api/plugin_registry.h"

namespace arbiter {

// Registers regex, contains, length, citations, tool_calls, json_schema, lua and llm_judge.
Status RegisterBuiltinPlugins(PluginRegistry& registry);

}  // namespace arbiter
