// The external plugin libraries a command can use: those named by `--plugin-path` and by the
// suite's `plugins:` key, all loaded before the first trace is read. (The built-ins are
// registered by the command line: plugins/register_builtins.h.)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "runner/base/status.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/plugin_host/plugin_library.h"

namespace arbiter {

// The libraries a path names: a file as it is; a folder: the files directly in it whose name
// ends in ".so", sorted by name. A path that does not exist is an error.
Result<std::vector<std::filesystem::path>> ExpandPluginPath(const std::filesystem::path& path);

// The `plugins:` list (files or folders, relative to the suite's folder) of the suite file
// `suite`, read from its document `root` (LoadYamlFile: the caller reads the file once and builds
// the suite from the same document), each entry checked to exist; empty when the key is absent.
// Errors carry file:line:column.
Result<std::vector<std::filesystem::path>> SuitePluginPaths(const std::filesystem::path& suite,
                                                            const YAML::Node& root);

// Loads every library under `plugin_paths` (from --plugin-path), then under `suite_plugins` (from
// SuitePluginPaths), into `registry`. A library named twice (the same file, by any path) loads
// once.
Status LoadExternalPlugins(PluginRegistry& registry, const std::vector<std::string>& plugin_paths,
                           const std::vector<std::filesystem::path>& suite_plugins = {},
                           const PluginLoadOptions& options = {});

}  // namespace arbiter
