// Loading the suite a command names, with every built-in plugin registered: what `calibrate`
// and `gate` do before anything else.
#pragma once

#include <string>

#include "runner/plugin_registry.h"
#include "runner/status.h"
#include "runner/suite.h"

namespace arbiter {

// Registers the built-in plugins into `registry` (which must outlive the suite) and loads
// `path`. A plugin that fails to register is Internal (exit 3); a bad suite keeps LoadSuite's
// InvalidArgument with file:line:column (exit 2).
Result<Suite> LoadSuiteWithBuiltins(const std::string& path, PluginRegistry& registry);

// The exit code for a failed LoadSuiteWithBuiltins, after printing its message to stderr.
int ReportSuiteError(const Status& status);

}  // namespace arbiter
