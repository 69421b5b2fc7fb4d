#include "runner/suite/fingerprint.h"

#include <fstream>
#include <set>
#include <sstream>

#include "runner/base/path_checks.h"
#include "runner/base/sha256.h"
#include "runner/plugin_api/json_schema/yaml_json.h"

namespace arbiter {
namespace {

// One length-prefixed part, so that no two different sequences of parts hash alike.
void AddPart(Sha256& hash, std::string_view label, std::string_view bytes) {
  hash.Update(std::string(label) + " " + std::to_string(bytes.size()) + "\n");
  hash.Update(bytes);
  hash.Update("\n");
}

Result<std::string> ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  if (in) bytes << in.rdbuf();
  if (!in || in.bad()) {
    return Status::IoError(path.string() + ": cannot read it to fingerprint the evaluator");
  }
  return bytes.str();
}

}  // namespace

Result<std::string> EvaluatorFingerprint(const EvaluatorSpec& spec, const PluginInfo& plugin) {
  Result<nlohmann::json> declaration = YamlToJson(spec.node);
  if (!declaration.ok()) return spec.ErrorAt(spec.node, declaration.status().message());
  if (declaration->is_object()) declaration->erase("description");

  Sha256 hash;
  hash.Update("arbiter evaluator fingerprint 1\n");
  AddPart(hash, "declaration", declaration->dump());
  AddPart(hash, "plugin", plugin.name + "@" + std::to_string(plugin.version));
  // By content only: the same files in another checkout (another absolute path) match.
  std::set<std::filesystem::path> seen;
  for (const std::filesystem::path& path : spec.resolved_files) {
    if (!seen.insert(path.lexically_normal()).second) continue;
    // A path the plugin only probed (and did not need) counts by its name.
    if (!IsRegularFile(path)) {
      AddPart(hash, "absent", path.filename().string());
      continue;
    }
    ARBITER_ASSIGN_OR_RETURN(std::string bytes, ReadBytes(path));
    AddPart(hash, "file", bytes);
  }
  if (plugin.origin != "builtin") {
    ARBITER_ASSIGN_OR_RETURN(std::string bytes, ReadBytes(plugin.origin));
    AddPart(hash, "library", bytes);
  }
  return hash.Hex();
}

}  // namespace arbiter
