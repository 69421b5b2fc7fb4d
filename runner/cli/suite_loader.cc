#include "runner/cli/suite_loader.h"

#include "plugins/register_builtins.h"
#include "runner/plugin_host/plugin_loader.h"

namespace arbiter {

Status SetUpPlugins(PluginRegistry& registry, const std::vector<std::string>& plugin_paths,
                    const std::filesystem::path& suite) {
  ARBITER_RETURN_IF_ERROR(RegisterBuiltinPlugins(registry));
  return LoadExternalPlugins(registry, plugin_paths, suite);
}

Result<Suite> LoadSuiteWithPlugins(const std::string& path, PluginRegistry& registry) {
  ARBITER_RETURN_IF_ERROR(SetUpPlugins(registry, {}, path));
  return LoadSuite(path, registry);
}

}  // namespace arbiter
