// `arbiter plugins`: every plugin the binary knows, built in and external (from --plugin-path
// or a suite's `plugins:`), with its version, origin and params schema.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/cli/cli.h"
#include "runner/cli/json_output.h"
#include "runner/cli/suite_loader.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/plugin_host/plugin_loader.h"

namespace arbiter {
namespace {

// {"plugins": [{"name", "version", "origin", "description", "requires_target",
// "params_schema": {...}}]}, for scripts and for the docs test that checks docs/FORMATS.md.
nlohmann::ordered_json PluginsJson(const PluginRegistry& registry) {
  nlohmann::ordered_json plugins = nlohmann::ordered_json::array();
  for (const PluginInfo* info : registry.List()) {
    plugins.push_back({{"name", info->name},
                       {"version", info->version},
                       {"origin", info->origin},
                       {"description", info->description},
                       {"requires_target", info->requires_target},
                       {"params_schema", nlohmann::ordered_json::parse(info->params_schema)}});
  }
  return {{"plugins", std::move(plugins)}};
}

}  // namespace

Command PluginsCommand() {
  return {"plugins",
          "List the evaluator plugins with their versions and params",
          {{"arbiter plugins", "arbiter plugins --json --suite evaluators/suites/demo.yaml"},
           kCommonExitCodes},
          [](CLI::App& app) -> std::function<int()> {
            auto show_schema = std::make_shared<bool>(false);
            auto as_json = std::make_shared<bool>(false);
            auto suite = std::make_shared<std::string>();
            auto plugin_paths = std::make_shared<std::vector<std::string>>();
            app.add_flag("--schema", *show_schema, "Print each plugin's params JSON Schema");
            app.add_flag("--json", *as_json,
                         "Print one JSON document: every plugin with its params schema");
            app.add_option("-s,--suite", *suite, "Also list the external plugins this suite loads");
            AddPluginPathOption(app, *plugin_paths);
            return [show_schema, as_json, suite, plugin_paths] {
              PluginRegistry registry;
              Status registered = SetUpPlugins(registry, *plugin_paths, *suite);
              if (!registered.ok()) return Fail("plugins", registered);
              if (*as_json) {
                PrintJsonDocument(PluginsJson(registry));
                return static_cast<int>(kExitOk);
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
