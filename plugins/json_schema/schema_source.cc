#include "plugins/json_schema/schema_source.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "runner/base/config_file.h"
#include "runner/base/json_error.h"
#include "runner/base/utf8.h"
#include "runner/base/yaml_file.h"
#include "runner/plugin_api/json_schema/yaml_json.h"

namespace arbiter {
namespace {

// A JSON Pointer token that is an array index; false for other text and for digits past size_t
// (std::stoul threw on "99999999999999999999").
bool ParseIndex(const std::string& token, size_t& index) {
  const char* end = token.data() + token.size();
  auto [ptr, ec] = std::from_chars(token.data(), end, index);
  return !token.empty() && ec == std::errc() && ptr == end;
}

// The YAML node at a JSON pointer inside `root` ("/properties/a/pattern"), or `root` when the
// path leaves the YAML (it cannot for a schema converted from it, but the pointer is text).
YAML::Node NodeAtPointer(const YAML::Node& root, const std::string& pointer) {
  YAML::Node node = root;
  size_t pos = 0;
  while (pos < pointer.size() && pointer[pos] == '/') {
    size_t end = pointer.find('/', pos + 1);
    std::string token = pointer.substr(pos + 1, end == std::string::npos ? end : end - pos - 1);
    for (size_t i = 0; (i = token.find('~', i)) != std::string::npos; ++i) {
      token.replace(i, 2, token.compare(i, 2, "~1") == 0 ? "/" : "~");
    }
    YAML::Node next;
    if (node.IsMap()) {
      for (const auto& member : node) {
        if (member.first.IsScalar() && member.first.Scalar() == token) next = member.second;
      }
    } else if (size_t index = 0;
               node.IsSequence() && ParseIndex(token, index) && index < node.size()) {
      next = node[index];
    }
    if (!next.IsDefined()) return root;
    node = next;
    if (end == std::string::npos) break;
    pos = end;
  }
  return node;
}

bool HasYamlExtension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

}  // namespace

Result<CompiledSchema> InlineSchema(const EvaluatorSpec& spec, const YAML::Node& node,
                                    const std::string& what) {
  if (!node.IsMap()) return spec.ErrorAt(node, what + " must be a mapping (a JSON Schema object)");
  YAML::Node bad;
  Result<nlohmann::json> json = YamlToJson(node, &bad);
  if (!json.ok())
    return spec.ErrorAt(bad.IsDefined() ? bad : node, what + ": " + json.status().message());
  std::string where;
  Result<CompiledSchema> compiled = CompiledSchema::Compile(std::move(json).value(), &where);
  if (!compiled.ok()) {
    return spec.ErrorAt(NodeAtPointer(node, where), what + ": " + compiled.status().message());
  }
  return compiled;
}

Result<CompiledSchema> SchemaFile(const EvaluatorSpec& spec, const YAML::Node& node,
                                  const std::string& what) {
  if (!node.IsScalar() || node.Scalar().empty()) {
    return spec.ErrorAt(node, what + " must be a file name");
  }
  std::filesystem::path path = spec.Resolve(node.Scalar());
  std::string named = what + " '" + path.string() + "'";
  Result<std::string> read = ReadConfigFile(path);
  if (!read.ok())
    return spec.ErrorAt(node, "cannot read " + named + ": " + read.status().message());
  const std::string& text = *read;
  nlohmann::json json;
  if (HasYamlExtension(path)) {
    if (Status utf8 = CheckUtf8(text, path.string()); !utf8.ok()) {
      return spec.ErrorAt(node, utf8.message());  // it names the schema file and the place
    }
    try {
      YAML::Node yaml = YAML::Load(text);
      if (Status checked = CheckYamlDocument(yaml, path.string()); !checked.ok()) {
        return spec.ErrorAt(node, checked.message());  // it names the schema file and the place
      }
      Result<nlohmann::json> converted = YamlToJson(yaml);
      if (!converted.ok()) return spec.ErrorAt(node, named + ": " + converted.status().message());
      json = std::move(converted).value();
    } catch (const YAML::Exception& e) {
      return spec.ErrorAt(node, named + " is not valid YAML: " + e.what());
    }
  } else {
    try {
      json = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
      return spec.ErrorAt(node, named + " is not valid JSON: " + JsonErrorText(e));
    }
  }
  std::string where;
  Result<CompiledSchema> compiled = CompiledSchema::Compile(std::move(json), &where);
  if (!compiled.ok()) {
    std::string at = where.empty() ? "" : " (at " + where + ")";
    return spec.ErrorAt(node, named + ": " + compiled.status().message() + at);
  }
  return compiled;
}

}  // namespace arbiter
