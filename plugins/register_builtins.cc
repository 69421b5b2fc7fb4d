#include "runner/plugin_registry.h"
namespace arbiter {
Status RegisterBuiltinPlugins(PluginRegistry&) { return Status::OK(); }
}  // namespace arbiter
