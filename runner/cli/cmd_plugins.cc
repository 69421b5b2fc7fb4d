// `arbiter plugins`: every plugin the binary knows, built in and external (from --plugin-path
// or a suite's `plugins:`), with its version, origin and params schema.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runner/cli/cli.h"
#include "runner/cli/suite_loader.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/plugin_host/plugin_loader.h"

namespace arbiter {

Command PluginsCommand() {
  return {"plugins", "List the evaluator plugins with their versions and params",
          [](CLI::App& app) -> std::function<int()> {
            auto show_schema = std::make_shared<bool>(false);
            auto suite = std::make_shared<std::string>();
            auto plugin_paths = std::make_shared<std::vector<std::string>>();
            app.add_flag("--schema", *show_schema, "Print each plugin's params JSON Schema");
            app.add_option("--suite", *suite, "Also list the external plugins this suite loads");
            AddPluginPathOption(app, *plugin_paths);
            return [show_schema, suite, plugin_paths] {
              PluginRegistry registry;
              Status registered = SetUpPlugins(registry, *plugin_paths, *suite);
              if (!registered.ok()) return Fail("plugins", registered);
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
