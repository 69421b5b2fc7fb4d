// Loading the suite a command names, with the built-in plugins and the external libraries (those
// of --plugin-path and of the suite's `plugins:` key) registered: what `validate`, `run`,
// `calibrate` and `gate` do before anything else. The suite file is read once: its `plugins:`
// and the suite itself come from the same parsed document.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "runner/base/status.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/suite/suite.h"

namespace arbiter {

// Registers the built-in plugins, then loads the external libraries under `plugin_paths` (from
// --plugin-path) and the suite's `plugins:` (when `suite` is not empty): for `plugins`, which
// lists them without building the suite.
Status SetUpPlugins(PluginRegistry& registry, const std::vector<std::string>& plugin_paths,
                    const std::filesystem::path& suite = {});

// Registers the built-in plugins and the external ones (`plugin_paths`, then the suite's
// `plugins:`) into `registry` (which must outlive the suite) and loads the suite at `path`. A
// library that cannot be loaded, like a bad suite, is InvalidArgument naming the file (exit 2);
// an internal registration failure is Internal (exit 3).
Result<Suite> LoadSuiteWithPlugins(const std::string& path, PluginRegistry& registry,
                                   const std::vector<std::string>& plugin_paths = {});

}  // namespace arbiter
