// `arbiter validate --suite S`: loads and compiles a suite without reading any trace.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runner/cli/cli.h"
#include "runner/cli/suite_loader.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/suite/suite.h"

namespace arbiter {

Command ValidateCommand() {
  return {"validate", "Check a suite and its evaluators without running them",
          [](CLI::App& app) -> std::function<int()> {
            auto suite_path = std::make_shared<std::string>();
            auto plugin_paths = std::make_shared<std::vector<std::string>>();
            app.add_option("--suite", *suite_path, "Suite YAML file")->required();
            AddPluginPathOption(app, *plugin_paths);
            return [suite_path, plugin_paths] {
              PluginRegistry registry;
              Result<Suite> suite = LoadSuiteWithPlugins(*suite_path, registry, *plugin_paths);
              if (!suite.ok()) return Fail("validate", suite.status());
              std::printf("ok: suite '%s' (%s), %zu evaluators\n", suite->name.c_str(),
                          suite_path->c_str(), suite->evaluators.size());
              for (const LoadedEvaluator& e : suite->evaluators) {
                std::printf("  %s v%d  plugin %s%s%s\n", e.spec.id.c_str(), e.spec.version,
                            e.spec.plugin.c_str(), e.when ? "  when " : "",
                            e.when ? e.when->text().c_str() : "");
              }
              return static_cast<int>(kExitOk);
            };
          }};
}

}  // namespace arbiter
