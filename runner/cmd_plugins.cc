// `arbiter plugins`: every plugin the binary knows, with its version, origin and params schema.
#include <cstdio>
#include <memory>

#include "runner/cli.h"
#include "runner/plugin_registry.h"

namespace arbiter {

Command PluginsCommand() {
  return {"plugins", "List the evaluator plugins with their versions and params",
          [](CLI::App& app) -> std::function<int()> {
            auto show_schema = std::make_shared<bool>(false);
            app.add_flag("--schema", *show_schema, "Print each plugin's params JSON Schema");
            return [show_schema] {
              PluginRegistry registry;
              Status registered = RegisterBuiltinPlugins(registry);
              if (!registered.ok()) {
                std::fprintf(stderr, "arbiter: %s\n", registered.message().c_str());
                return static_cast<int>(kExitRuntime);
              }
              for (const PluginInfo* info : registry.List()) {
                std::printf("%-12s v%-3d %-8s %s\n", info->name.c_str(), info->version,
                            info->origin.c_str(), info->description.c_str());
                if (*show_schema) std::printf("%s\n", info->params_schema.c_str());
              }
              return static_cast<int>(kExitOk);
            };
          }};
}

}  // namespace arbiter
