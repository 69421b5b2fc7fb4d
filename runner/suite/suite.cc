#include "runner/suite/suite.h"

#include <cmath>
#include <map>

#include <re2/re2.h>

#include "runner/base/yaml_file.h"
#include "runner/plugin_api/param_reader.h"

namespace arbiter {
namespace {

Status ErrorAt(const std::string& file, const YAML::Node& node, std::string_view reason) {
  return ConfigErrorAt(file, node.Mark(), reason);
}

Result<TracePath> ReadPath(const YAML::Node& node, const std::string& file, std::string_view what) {
  auto text = ReadScalar<std::string>(node, file, std::string(what) + " must be a trace path");
  if (!text.ok()) return text.status();
  auto path = TracePath::Parse(*text);
  if (!path.ok()) return ErrorAt(file, node, path.status().message());
  return path;
}

Status ReadHeader(const YAML::Node& root, const std::string& file, EvaluatorSpec& spec) {
  static const RE2 kIdPattern("[a-z0-9]+(-[a-z0-9]+)*");
  if (!root["id"]) return ErrorAt(file, root, "missing key 'id'");
  auto id = ReadScalar<std::string>(root["id"], file, "id must be a string");
  if (!id.ok()) return id.status();
  if (!RE2::FullMatch(*id, kIdPattern)) {
    return ErrorAt(file, root["id"], "id '" + *id + "' must match [a-z0-9-]+ (lower case, digits, dashes)");
  }
  spec.id = *id;
  if (!root["version"]) return ErrorAt(file, root, "missing key 'version'");
  auto version = ReadScalar<long>(root["version"], file, "version must be a positive integer");
  if (!version.ok()) return version.status();
  if (*version < 1 || *version > 1'000'000) {
    return ErrorAt(file, root["version"], "version must be a positive integer");
  }
  spec.version = static_cast<int>(*version);
  if (!root["plugin"]) return ErrorAt(file, root, "missing key 'plugin'");
  auto plugin = ReadScalar<std::string>(root["plugin"], file, "plugin must be a name");
  if (!plugin.ok()) return plugin.status();
  spec.plugin = *plugin;
  for (auto [key, field] : {std::pair{"description", &spec.description},
                            std::pair{"failure_mode", &spec.failure_mode}}) {
    if (!root[key] || root[key].IsNull()) continue;
    auto text = ReadScalar<std::string>(root[key], file, std::string(key) + " must be a string");
    if (!text.ok()) return text.status();
    *field = *text;
  }
  if (root["pass_threshold"]) {
    auto threshold = ReadScalar<double>(root["pass_threshold"], file,
                                        "pass_threshold must be a number in [0, 1]");
    if (!threshold.ok()) return threshold.status();
    if (!(*threshold >= 0 && *threshold <= 1)) {
      return ErrorAt(file, root["pass_threshold"], "pass_threshold must be a number in [0, 1]");
    }
    spec.pass_threshold = *threshold;
  }
  return Status::OK();
}

}  // namespace

Result<LoadedEvaluator> LoadEvaluator(const std::filesystem::path& path,
                                      const PluginRegistry& registry) {
  const std::string file = path.string();
  auto root = LoadYamlFile(path);
  if (!root.ok()) return root.status();
  ARBITER_RETURN_IF_ERROR(CheckKeys(*root, file,
                                    {"id", "version", "description", "failure_mode", "plugin",
                                     "target", "params", "pass_threshold", "when"}));
  LoadedEvaluator loaded;
  EvaluatorSpec& spec = loaded.spec;
  spec.file = path;
  spec.node = *root;
  ARBITER_RETURN_IF_ERROR(ReadHeader(*root, file, spec));

  loaded.plugin = registry.Find(spec.plugin);
  if (!loaded.plugin) {
    return ErrorAt(file, (*root)["plugin"], registry.UnknownPluginMessage(spec.plugin));
  }
  if ((*root)["target"] && !(*root)["target"].IsNull()) {
    auto target = ReadPath((*root)["target"], file, "target");
    if (!target.ok()) return target.status();
    spec.target = *target;
  } else if (loaded.plugin->requires_target) {
    return ErrorAt(file, *root, "plugin '" + spec.plugin + "' needs a 'target'");
  }
  if ((*root)["when"] && !(*root)["when"].IsNull()) {
    const YAML::Node& node = (*root)["when"];
    auto text = ReadScalar<std::string>(node, file, "when must be a condition string");
    if (!text.ok()) return text.status();
    auto condition = Condition::Parse(*text);
    if (!condition.ok()) {
      return ErrorAt(file, node, "bad condition: " + condition.status().message());
    }
    loaded.when = std::move(*condition);
  }
  spec.params = (*root)["params"];

  auto evaluator = loaded.plugin->create(spec);
  if (!evaluator.ok()) return evaluator.status();
  loaded.evaluator = std::move(*evaluator);
  loaded.skipped = loaded.evaluator->SkipReason();
  return loaded;
}

Result<Suite> LoadSuite(const std::filesystem::path& path, const PluginRegistry& registry) {
  Result<YAML::Node> root = LoadYamlFile(path);
  if (!root.ok()) return root.status();
  return LoadSuite(path, *root, registry);
}

Result<Suite> LoadSuite(const std::filesystem::path& path, const YAML::Node& root,
                        const PluginRegistry& registry) {
  const std::string file = path.string();
  ARBITER_RETURN_IF_ERROR(
      CheckKeys(root, file, {"name", "evaluators", "strata", "gate", "plugins"}));
  Suite suite;
  suite.file = path;
  if (!root["name"]) return ErrorAt(file, root, "missing key 'name'");
  auto name = ReadScalar<std::string>(root["name"], file, "name must be a string");
  if (!name.ok()) return name.status();
  suite.name = *name;

  const YAML::Node& strata = root["strata"];
  if (strata && !strata.IsNull()) {
    if (!strata.IsSequence()) return ErrorAt(file, strata, "strata must be a list of trace paths");
    for (const YAML::Node& item : strata) {
      auto stratum = ReadPath(item, file, "a stratum");
      if (!stratum.ok()) return stratum.status();
      suite.strata.push_back(*stratum);
    }
  }

  const YAML::Node& gate = root["gate"];
  if (gate && !gate.IsNull()) {
    if (!gate.IsMap()) return ErrorAt(file, gate, "gate must be a mapping");
    ARBITER_RETURN_IF_ERROR(CheckKeys(gate, file, {"tolerance", "gate_mcc", "signal_mcc"}));
    for (auto [key, field] : {std::pair{"tolerance", &suite.gate.tolerance},
                              std::pair{"gate_mcc", &suite.gate.gate_mcc},
                              std::pair{"signal_mcc", &suite.gate.signal_mcc}}) {
      if (!gate[key]) continue;
      auto value = ReadScalar<double>(gate[key], file, std::string("gate.") + key + " must be a number");
      if (!value.ok()) return value.status();
      *field = *value;
    }
    if (suite.gate.signal_mcc > suite.gate.gate_mcc) {
      return ErrorAt(file, gate, "gate.signal_mcc must not exceed gate.gate_mcc");
    }
  }

  const YAML::Node& list = root["evaluators"];
  if (!list || !list.IsSequence() || list.size() == 0) {
    return ErrorAt(file, list ? list : root, "evaluators must be a non-empty list of files");
  }
  std::string errors;
  std::map<std::string, std::string> seen;  // id -> file declaring it
  for (const YAML::Node& item : list) {
    auto relative = ReadScalar<std::string>(item, file, "an evaluator entry must be a file path");
    if (!relative.ok()) return relative.status();
    std::filesystem::path declaration = path.parent_path() / *relative;
    if (std::filesystem::path(*relative).is_absolute()) declaration = *relative;
    if (!std::filesystem::exists(declaration)) {
      errors += ErrorAt(file, item, "evaluator file '" + declaration.string() + "' not found").message() + "\n";
      continue;
    }
    auto loaded = LoadEvaluator(declaration, registry);
    if (!loaded.ok()) {
      errors += loaded.status().message() + "\n";
      continue;
    }
    auto [it, inserted] = seen.emplace(loaded->spec.id, declaration.string());
    if (!inserted) {
      errors += ErrorAt(file, item, "evaluator id '" + loaded->spec.id + "' is declared twice: in " +
                                        it->second + " and in " + declaration.string())
                    .message() +
                "\n";
      continue;
    }
    suite.evaluators.push_back(std::move(*loaded));
  }
  if (!errors.empty()) {
    errors.pop_back();
    return Status::InvalidArgument(errors);
  }
  return suite;
}

}  // namespace arbiter
