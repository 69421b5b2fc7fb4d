#include "runner/cli/suite_loader.h"

#include "plugins/register_builtins.h"
#include "runner/base/yaml_file.h"
#include "runner/plugin_host/plugin_loader.h"

namespace arbiter {
namespace {

// The built-ins, then the libraries of --plugin-path, then those of the suite's `plugins:` read
// from its document `root` (none when `root` is null).
Status RegisterPlugins(PluginRegistry& registry, const std::vector<std::string>& plugin_paths,
                       const std::filesystem::path& suite, const YAML::Node* root) {
  ARBITER_RETURN_IF_ERROR(RegisterBuiltinPlugins(registry));
  std::vector<std::filesystem::path> suite_plugins;
  if (root) {
    ARBITER_ASSIGN_OR_RETURN(std::vector<std::filesystem::path> listed,
                             SuitePluginPaths(suite, *root));
    suite_plugins = std::move(listed);
  }
  return LoadExternalPlugins(registry, plugin_paths, suite_plugins);
}

}  // namespace

Status SetUpPlugins(PluginRegistry& registry, const std::vector<std::string>& plugin_paths,
                    const std::filesystem::path& suite) {
  if (suite.empty()) return RegisterPlugins(registry, plugin_paths, suite, nullptr);
  ARBITER_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(suite));
  ARBITER_RETURN_IF_ERROR(CheckSuiteKeys(root, suite.string()));  // `plugns:` is not "none"
  return RegisterPlugins(registry, plugin_paths, suite, &root);
}

Result<Suite> LoadSuiteWithPlugins(const std::string& path, PluginRegistry& registry,
                                   const std::vector<std::string>& plugin_paths) {
  ARBITER_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(path));
  ARBITER_RETURN_IF_ERROR(RegisterPlugins(registry, plugin_paths, path, &root));
  return LoadSuite(path, root, registry);
}

}  // namespace arbiter
