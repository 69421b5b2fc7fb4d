#include "runner/plugin_host/plugin_loader.h"

#include <algorithm>
#include <set>

#include "runner/base/yaml_file.h"
#include "runner/plugin_api/param_reader.h"

namespace arbiter {

namespace fs = std::filesystem;

Result<std::vector<fs::path>> ExpandPluginPath(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> libraries;
    for (const fs::directory_entry& entry : fs::directory_iterator(path, ec)) {
      if (entry.is_regular_file(ec) && entry.path().extension() == ".so") {
        libraries.push_back(entry.path());
      }
    }
    if (ec) return Status::InvalidArgument(path.string() + ": cannot list: " + ec.message());
    std::sort(libraries.begin(), libraries.end());
    return libraries;
  }
  if (!fs::exists(path, ec)) {
    return Status::InvalidArgument(path.string() + ": no such plugin library or folder");
  }
  return std::vector<fs::path>{path};
}

Result<std::vector<fs::path>> SuitePluginPaths(const fs::path& suite, const YAML::Node& root) {
  const std::string file = suite.string();
  const YAML::Node& list = root["plugins"];
  std::vector<fs::path> paths;
  if (!list || list.IsNull()) return paths;
  if (!list.IsSequence()) {
    return ConfigErrorAt(file, list.Mark(), "plugins must be a list of libraries or folders");
  }
  for (const YAML::Node& item : list) {
    ARBITER_ASSIGN_OR_RETURN(auto text,
                             ReadScalar<std::string>(item, file, "a plugins entry must be a path"));
    fs::path path(text);
    if (path.is_relative()) path = suite.parent_path() / path;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      return ConfigErrorAt(file, item.Mark(),
                           "plugin library or folder '" + path.string() + "' not found");
    }
    paths.push_back(path);
  }
  return paths;
}

Status LoadExternalPlugins(PluginRegistry& registry, const std::vector<std::string>& plugin_paths,
                           const std::vector<fs::path>& suite_plugins,
                           const PluginLoadOptions& options) {
  std::vector<fs::path> named(plugin_paths.begin(), plugin_paths.end());
  named.insert(named.end(), suite_plugins.begin(), suite_plugins.end());
  std::set<fs::path> loaded;  // canonical paths
  for (const fs::path& path : named) {
    ARBITER_ASSIGN_OR_RETURN(std::vector<fs::path> libraries, ExpandPluginPath(path));
    for (const fs::path& library : libraries) {
      std::error_code ec;
      fs::path canonical = fs::weakly_canonical(library, ec);
      if (ec) canonical = library;
      if (!loaded.insert(canonical).second) continue;
      // Absolute: dlopen searches LD_LIBRARY_PATH, not the working folder, for a bare name.
      ARBITER_RETURN_IF_ERROR(LoadPluginLibrary(canonical, registry, options));
    }
  }
  return Status::OK();
}

}  // namespace arbiter
