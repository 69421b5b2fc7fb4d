#include "runner/base/yaml_file.h"

#include <fstream>
#include <sstream>

#include "runner/base/env_subst.h"

namespace arbiter {

Status ConfigErrorAt(const std::string& file, const YAML::Mark& mark, std::string_view reason) {
  std::string where = file;
  if (!mark.is_null()) {
    where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  return Status::InvalidArgument(where + ": " + std::string(reason));
}

Result<YAML::Node> LoadYamlFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument(path.string() + ": cannot read file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  YAML::Node node;
  try {
    node = YAML::Load(buffer.str());
  } catch (const YAML::Exception& e) {
    return ConfigErrorAt(path.string(), e.mark, e.msg);
  }
  if (!node.IsMap()) {
    return ConfigErrorAt(path.string(), node.Mark(), "expected a mapping of keys to values");
  }
  ARBITER_RETURN_IF_ERROR(SubstituteEnvInYaml(node, path.string(), ProcessEnv()));
  return node;
}

Status CheckKeys(const YAML::Node& node, const std::string& file,
                 const std::vector<std::string_view>& allowed) {
  for (const auto& item : node) {
    const std::string& key = item.first.Scalar();
    bool known = false;
    for (std::string_view name : allowed) known = known || key == name;
    if (known) continue;
    std::string list;
    for (std::string_view name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
    return ConfigErrorAt(file, item.first.Mark(), "unknown key '" + key + "'; expected " + list);
  }
  return Status::OK();
}

template <typename T>
Result<T> ReadScalar(const YAML::Node& node, const std::string& file, std::string_view what) {
  T value{};
  if (!node.IsScalar() || !YAML::convert<T>::decode(node, value)) {
    return ConfigErrorAt(file, node.Mark(), std::string(what));
  }
  return value;
}

template Result<std::string> ReadScalar<std::string>(const YAML::Node&, const std::string&,
                                                     std::string_view);
template Result<double> ReadScalar<double>(const YAML::Node&, const std::string&,
                                           std::string_view);
template Result<long> ReadScalar<long>(const YAML::Node&, const std::string&, std::string_view);

}  // namespace arbiter
