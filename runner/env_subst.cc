// Placeholder: implemented by the conditions work (see env_subst.h).
#include "runner/env_subst.h"

namespace arbiter {
EnvLookup ProcessEnv() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}
Result<std::string> SubstituteEnv(std::string_view text, const EnvLookup&) {
  return std::string(text);
}
Status SubstituteEnvInYaml(YAML::Node, const std::string&, const EnvLookup&) { return Status::OK(); }
}  // namespace arbiter
