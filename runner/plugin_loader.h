// Which plugins a command can use: the built-ins, then the external libraries named by
// `--plugin-path` and by the suite's `plugins:` key, all loaded before the first trace is read.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "runner/plugin_library.h"
#include "runner/plugin_registry.h"
#include "runner/status.h"

namespace arbiter {

// The libraries a path names: a file as it is; a folder: the files directly in it whose name
// ends in ".so", sorted by name. A path that does not exist is an error.
Result<std::vector<std::filesystem::path>> ExpandPluginPath(const std::filesystem::path& path);

// The suite file's `plugins:` list (files or folders, relative to the suite's folder), each
// entry checked to exist; empty when the key is absent. Errors carry file:line:column.
Result<std::vector<std::filesystem::path>> SuitePluginPaths(const std::filesystem::path& suite);

// Registers the built-ins, then loads every library under `plugin_paths` (from --plugin-path)
// and, when `suite` is not empty, under the suite's `plugins:`. A library named twice (the same
// file, by any path) loads once.
Status SetUpPlugins(PluginRegistry& registry, const std::vector<std::string>& plugin_paths,
                    const std::filesystem::path& suite = {}, const PluginLoadOptions& options = {});

}  // namespace arbiter
