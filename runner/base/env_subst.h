// `${NAME}` and `${NAME:-default}` references in YAML string values (SPEC "Evaluator
// declaration"), substituted from the environment when a declaration or suite is loaded.
//
//   - NAME is [A-Za-z_][A-Za-z0-9_]*. `${NAME}` of an unset variable is an error; of a variable
//     set to "" it is "".
//   - `${NAME:-default}` uses `default` when NAME is unset or empty (as in the shell). The default
//     runs to the first `}`, may be empty and may contain `:` and `/` (URLs); it is taken as
//     written (no `$$` or `${` inside it).
//   - `$$` is a literal `$`; a `$` followed by anything other than `{` or `$` stays as written.
//   - Substituted values are not expanded again (a value containing `${X}` stays as it is).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "runner/base/status.h"

namespace arbiter {

// Looks a variable up; nullopt when unset. The default reads the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup ProcessEnv();

// `text` with every reference replaced. `$$` is a literal `$`. An unset variable without a
// default, or a malformed reference, is an error naming the variable (the caller adds the
// file:line:column).
Result<std::string> SubstituteEnv(std::string_view text, const EnvLookup& env);

// Substitutes in every scalar of `node`, recursively (keys are left alone). Errors carry
// "file:line:column: " of the scalar that failed. Scalars without `$` are not touched; a
// substituted scalar keeps its mark and tag, so a quoted '${X}' stays a string whatever X holds,
// while a plain ${X} reads as if its value had been written there.
Status SubstituteEnvInYaml(YAML::Node node, const std::string& file, const EnvLookup& env);

}  // namespace arbiter
