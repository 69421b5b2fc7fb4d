#include "runner/suite_loader.h"

#include <cstdio>

#include "runner/cli.h"

namespace arbiter {

Result<Suite> LoadSuiteWithBuiltins(const std::string& path, PluginRegistry& registry) {
  Status registered = RegisterBuiltinPlugins(registry);
  if (!registered.ok()) return Status::Internal("arbiter: " + registered.message());
  return LoadSuite(path, registry);
}

int ReportSuiteError(const Status& status) {
  std::fprintf(stderr, "%s\n", status.message().c_str());
  return status.code() == Status::Code::kInternal ? kExitRuntime : kExitUsage;
}

}  // namespace arbiter
