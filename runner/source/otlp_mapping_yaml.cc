#include "runner/source/otlp_mapping_yaml.h"

#include "runner/base/yaml_file.h"

namespace arbiter {

Result<OtlpMappingOptions> ReadOtlpMappingOptions(const YAML::Node& node, const std::string& file) {
  OtlpMappingOptions options;
  if (!node || node.IsNull()) return options;
  if (!node.IsMap()) return ConfigErrorAt(file, node.Mark(), "otlp must be a mapping");
  ARBITER_RETURN_IF_ERROR(CheckKeys(node, file, {"attribute_map"}));
  const YAML::Node& map = node["attribute_map"];
  if (!map || map.IsNull()) return options;
  if (!map.IsMap()) {
    return ConfigErrorAt(file, map.Mark(),
                         "otlp.attribute_map must map span attributes to trace paths");
  }
  for (const auto& entry : map) {
    ARBITER_ASSIGN_OR_RETURN(
        auto key, ReadScalar<std::string>(entry.first, file, "an attribute key must be a string"));
    ARBITER_ASSIGN_OR_RETURN(
        auto path, ReadScalar<std::string>(entry.second, file, "a trace path must be a string"));
    if (key.empty()) return ConfigErrorAt(file, entry.first.Mark(), "an attribute key is empty");
    if (!IsObjectKeyPath(path)) {
      return ConfigErrorAt(file, entry.second.Mark(),
                           "'" + path + "' is not a trace path of dot-separated keys");
    }
    options.attribute_map[key] = path;
  }
  return options;
}

}  // namespace arbiter
