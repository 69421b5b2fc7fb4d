#include "runner/base/env_subst.h"

#include <cctype>
#include <cstdlib>
#include <unordered_set>

#include "runner/base/yaml_file.h"

namespace arbiter {
namespace {

// [A-Za-z_][A-Za-z0-9_]*
bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// `visited` holds the nodes already walked: an alias shares its anchor's node, so each distinct
// node is visited once (linear however the aliases nest), and a substituted value that itself
// contains `$` is not expanded a second time.
Status Walk(YAML::Node node, const std::string& file, const EnvLookup& env,
            std::unordered_set<const void*>& visited) {
  if (!visited.insert(YamlNodeIdentity(node)).second) return Status::OK();
  switch (node.Type()) {
    case YAML::NodeType::Map:
      for (auto it = node.begin(); it != node.end(); ++it) {
        ARBITER_RETURN_IF_ERROR(Walk(it->second, file, env, visited));
      }
      return Status::OK();
    case YAML::NodeType::Sequence:
      for (YAML::Node item : node) ARBITER_RETURN_IF_ERROR(Walk(item, file, env, visited));
      return Status::OK();
    case YAML::NodeType::Scalar: {
      // Scalars without `$` are left untouched, so their text and style stay as written.
      if (node.Scalar().find('$') == std::string::npos) return Status::OK();
      Result<std::string> value = SubstituteEnv(node.Scalar(), env);
      if (!value.ok()) return ConfigErrorAt(file, node.Mark(), value.status().message());
      // Assigning a string replaces only the scalar text: the mark and the tag stay, so a quoted
      // '${X}' that expands to "true" is still a quoted (string) scalar.
      node = *value;
      return Status::OK();
    }
    default:
      return Status::OK();
  }
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<std::string> SubstituteEnv(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t dollar = text.find('$', i);
    if (dollar == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, dollar - i));
    char next = dollar + 1 < text.size() ? text[dollar + 1] : '\0';
    if (next != '{') {
      out.push_back('$');  // `$$` is one `$`; a `$` before anything else stays as written
      i = dollar + (next == '$' ? 2 : 1);
      continue;
    }
    size_t close = text.find('}', dollar + 2);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("unterminated " + Quote(text.substr(dollar)) +
                                     ": missing '}' (write $$ for a literal $)");
    }
    std::string_view reference = text.substr(dollar, close - dollar + 1);
    std::string_view inner = text.substr(dollar + 2, close - dollar - 2);
    size_t separator = inner.find(":-");
    std::string_view name = inner.substr(0, separator);
    if (!IsValidName(name)) {
      return Status::InvalidArgument(
          (name.empty() ? "missing variable name" : "invalid variable name " + Quote(name)) +
          " in " + Quote(reference) + " (names are [A-Za-z_][A-Za-z0-9_]*)");
    }
    std::optional<std::string_view> fallback;
    if (separator != std::string_view::npos) fallback = inner.substr(separator + 2);
    if (fallback && fallback->find("${") != std::string_view::npos) {
      return Status::InvalidArgument("the default of " + Quote(name) + " in " +
                                     Quote(text.substr(dollar)) +
                                     " contains '${': defaults are not expanded");
    }
    // As in the shell, `:-` also replaces a variable that is set but empty.
    std::optional<std::string> value = env(std::string(name));
    if (value && !(fallback && value->empty())) {
      out += *value;
    } else if (fallback) {
      out.append(*fallback);
    } else {
      std::string n(name);
      return Status::InvalidArgument("environment variable " + n + " is not set (use ${" + n +
                                     ":-default} for a default)");
    }
    i = close + 1;
  }
  return out;
}

Status SubstituteEnvInYaml(YAML::Node node, const std::string& file, const EnvLookup& env) {
  std::unordered_set<const void*> visited;
  try {
    return Walk(node, file, env, visited);
  } catch (const YAML::Exception& e) {
    return Status::Internal(file + ": substituting environment variables: " + e.what());
  }
}

}  // namespace arbiter
