#include "runner/suite_loader.h"

#include <cstdio>

#include "runner/cli.h"
#include "runner/plugin_loader.h"

namespace arbiter {

Result<Suite> LoadSuiteWithPlugins(const std::string& path, PluginRegistry& registry) {
  ARBITER_RETURN_IF_ERROR(SetUpPlugins(registry, {}, path));
  return LoadSuite(path, registry);
}

int ReportSuiteError(const Status& status) {
  std::fprintf(stderr, "%s\n", status.message().c_str());
  return status.code() == Status::Code::kInternal ? kExitRuntime : kExitUsage;
}

}  // namespace arbiter
