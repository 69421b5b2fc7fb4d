// The host's side of plugins/sdk/arbiter_plugin.h: loading one external plugin library and
// registering the evaluator types it declares, like any built-in plugin.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "runner/base/status.h"
#include "runner/plugin_api/plugin_registry.h"

namespace arbiter {

struct PluginLoadOptions {
  // Load the library once in a forked child first, so that a library that crashes while
  // loading (a static constructor, its init) is reported with the signal instead of taking
  // the host down. Default on; off only where fork() is unwelcome.
  bool probe_in_child = true;
};

// Loads the library at `path` with dlopen(RTLD_NOW | RTLD_LOCAL), checks its ABI version
// against the host's, calls its init and registers each evaluator type it declares in
// `registry` (origin: the library's path). Every failure is an InvalidArgument naming the
// library: not loadable, a missing symbol, a newer or other-major ABI, a crash at load, a bad
// registration (invalid name, missing callback, a params schema that does not compile), a
// duplicate plugin name (naming both origins), or init reporting an error. The library stays
// loaded while any PluginInfo or evaluator made from it lives.
Status LoadPluginLibrary(const std::filesystem::path& path, PluginRegistry& registry,
                         const PluginLoadOptions& options = {});

// "1.1" for an ABI version word (major << 16 | minor).
std::string AbiVersionText(uint32_t version);

}  // namespace arbiter
