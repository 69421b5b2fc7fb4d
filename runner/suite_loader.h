// Loading the suite a command names, with the built-in plugins and the external libraries of the
// suite's `plugins:` key registered: what `calibrate` and `gate` do before anything else.
#pragma once

#include <string>

#include "runner/plugin_registry.h"
#include "runner/status.h"
#include "runner/suite.h"

namespace arbiter {

// Registers the built-in plugins and the suite's external ones into `registry` (which must
// outlive the suite) and loads `path`. A library that cannot be loaded, like a bad suite, is
// InvalidArgument naming the file (exit 2); an internal registration failure is Internal (exit 3).
Result<Suite> LoadSuiteWithPlugins(const std::string& path, PluginRegistry& registry);

// The exit code for a failed LoadSuiteWithPlugins, after printing its message to stderr.
int ReportSuiteError(const Status& status);

}  // namespace arbiter
