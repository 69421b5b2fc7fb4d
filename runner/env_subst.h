// `${NAME}` and `${NAME:-default}` references in YAML string values (SPEC "Evaluator
// declaration"), substituted from the environment when a declaration or suite is loaded.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "runner/status.h"

namespace arbiter {

// Looks a variable up; nullopt when unset. The default reads the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup ProcessEnv();

// `text` with every reference replaced. `$$` is a literal `$`. An unset variable without a
// default, or a malformed reference, is an error naming the variable (the caller adds the
// file:line:column).
Result<std::string> SubstituteEnv(std::string_view text, const EnvLookup& env);

// Substitutes in every scalar of `node`, recursively (keys are left alone). Errors carry
// "file:line:column: " of the scalar that failed.
Status SubstituteEnvInYaml(YAML::Node node, const std::string& file, const EnvLookup& env);

}  // namespace arbiter
