#include "runner/suite/suite.h"

#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <re2/re2.h>

#include "runner/base/path_checks.h"
#include "runner/base/suggest.h"
#include "runner/base/yaml_file.h"
#include "runner/plugin_api/param_reader.h"
#include "runner/source/otlp_mapping_yaml.h"
#include "runner/suite/fingerprint.h"

namespace arbiter {
namespace {

Status ErrorAt(const std::string& file, const YAML::Node& node, std::string_view reason) {
  return ConfigErrorAt(file, node.Mark(), reason);
}

Result<TracePath> ReadPath(const YAML::Node& node, const std::string& file, std::string_view what) {
  ARBITER_ASSIGN_OR_RETURN(
      auto text, ReadScalar<std::string>(node, file, std::string(what) + " must be a trace path"));
  auto path = TracePath::Parse(text);
  if (!path.ok()) return ErrorAt(file, node, path.status().message());
  return path;
}

Status ReadHeader(const YAML::Node& root, const std::string& file, EvaluatorSpec& spec) {
  static const RE2 kIdPattern("[a-z0-9]+(-[a-z0-9]+)*");
  if (!root["id"]) return ErrorAt(file, root, "missing key 'id'");
  ARBITER_ASSIGN_OR_RETURN(auto id,
                           ReadScalar<std::string>(root["id"], file, "id must be a string"));
  if (!RE2::FullMatch(id, kIdPattern)) {
    return ErrorAt(file, root["id"],
                   "id '" + id + "' must match [a-z0-9-]+ (lower case, digits, dashes)");
  }
  spec.id = id;
  if (!root["version"]) return ErrorAt(file, root, "missing key 'version'");
  ARBITER_ASSIGN_OR_RETURN(
      auto version, ReadScalar<long>(root["version"], file, "version must be a positive integer"));
  if (version < 1 || version > 1'000'000) {
    return ErrorAt(file, root["version"], "version must be a positive integer");
  }
  spec.version = static_cast<int>(version);
  if (!root["plugin"]) return ErrorAt(file, root, "missing key 'plugin'");
  ARBITER_ASSIGN_OR_RETURN(auto plugin,
                           ReadScalar<std::string>(root["plugin"], file, "plugin must be a name"));
  spec.plugin = plugin;
  for (auto [key, field] : {std::pair{"description", &spec.description},
                            std::pair{"failure_mode", &spec.failure_mode}}) {
    if (!root[key] || root[key].IsNull()) continue;
    ARBITER_ASSIGN_OR_RETURN(
        auto text,
        ReadScalar<std::string>(root[key], file, std::string(key) + " must be a string"));
    *field = text;
  }
  if (root["pass_threshold"]) {
    ARBITER_ASSIGN_OR_RETURN(auto threshold,
                             ReadScalar<double>(root["pass_threshold"], file,
                                                "pass_threshold must be a number in [0, 1]"));
    if (!(threshold >= 0 && threshold <= 1)) {
      return ErrorAt(file, root["pass_threshold"], "pass_threshold must be a number in [0, 1]");
    }
    spec.pass_threshold = threshold;
  }
  return Status::OK();
}

// One `gate:` number, checked for range where it is written: a value out of range (NaN and the
// infinities included) would silently change every decision the gate makes.
Status ReadGateNumber(const YAML::Node& gate, const std::string& file, const char* key, double low,
                      double high, double& field) {
  const YAML::Node& node = gate[key];
  if (!node) return Status::OK();
  const std::string range = std::string("gate.") + key + " must be a " +
                            (low == 0 ? "fraction in [0, 1]" : "number in [-1, 1]");
  ARBITER_ASSIGN_OR_RETURN(double value, ReadScalar<double>(node, file, range));
  if (!(value >= low && value <= high)) {
    std::string reason = range + ", got " + node.Scalar();
    if (std::string_view(key) == "tolerance" && std::isfinite(value) && value > 1) {
      reason += " (tolerance is a fraction: 0.02 is 2 points)";
    }
    return ErrorAt(file, node, reason);
  }
  field = value;
  return Status::OK();
}

Result<GatePolicy> ReadGatePolicy(const YAML::Node& gate, const std::string& file) {
  if (!gate.IsMap()) return ErrorAt(file, gate, "gate must be a mapping");
  ARBITER_RETURN_IF_ERROR(CheckKeys(
      gate, file, {"tolerance", "gate_mcc", "signal_mcc", "min_coverage", "max_error_rate"}));
  GatePolicy policy;
  ARBITER_RETURN_IF_ERROR(ReadGateNumber(gate, file, "tolerance", 0, 1, policy.tolerance));
  ARBITER_RETURN_IF_ERROR(ReadGateNumber(gate, file, "gate_mcc", -1, 1, policy.gate_mcc));
  ARBITER_RETURN_IF_ERROR(ReadGateNumber(gate, file, "signal_mcc", -1, 1, policy.signal_mcc));
  ARBITER_RETURN_IF_ERROR(ReadGateNumber(gate, file, "min_coverage", 0, 1, policy.min_coverage));
  ARBITER_RETURN_IF_ERROR(
      ReadGateNumber(gate, file, "max_error_rate", 0, 1, policy.max_error_rate));
  if (policy.signal_mcc > policy.gate_mcc) {
    return ErrorAt(file, gate["signal_mcc"] ? gate["signal_mcc"] : gate,
                   "gate.signal_mcc must not exceed gate.gate_mcc");
  }
  return policy;
}

// " (did you mean 'e.yaml'?)" when a file in the same folder is a near miss of `missing`'s
// name (e.yml, no-pi.yaml), else "".
std::string NearbyFileHint(const std::filesystem::path& missing) {
  std::vector<std::string> names;
  std::error_code ec;
  std::filesystem::path folder = missing.parent_path().empty() ? "." : missing.parent_path();
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (entry.is_regular_file(ec)) names.push_back(entry.path().filename().string());
  }
  std::string closest = ClosestName(missing.filename().string(), names);
  return closest.empty() ? "" : " (did you mean '" + closest + "'?)";
}

}  // namespace

Result<LoadedEvaluator> LoadEvaluator(const std::filesystem::path& path,
                                      const PluginRegistry& registry) {
  const std::string file = path.string();
  ARBITER_ASSIGN_OR_RETURN(auto root, LoadYamlFile(path));
  ARBITER_RETURN_IF_ERROR(CheckKeys(root, file,
                                    {"id", "version", "description", "failure_mode", "plugin",
                                     "target", "params", "pass_threshold", "when"}));
  LoadedEvaluator loaded;
  EvaluatorSpec& spec = loaded.spec;
  spec.file = path;
  spec.node = root;
  ARBITER_RETURN_IF_ERROR(ReadHeader(root, file, spec));

  loaded.plugin = registry.Find(spec.plugin);
  if (!loaded.plugin) {
    return ErrorAt(file, root["plugin"], registry.UnknownPluginMessage(spec.plugin));
  }
  if (root["target"] && !root["target"].IsNull()) {
    ARBITER_ASSIGN_OR_RETURN(auto target, ReadPath(root["target"], file, "target"));
    spec.target = target;
  } else if (loaded.plugin->requires_target) {
    return ErrorAt(file, root, "plugin '" + spec.plugin + "' needs a 'target'");
  }
  if (root["when"] && !root["when"].IsNull()) {
    const YAML::Node& node = root["when"];
    ARBITER_ASSIGN_OR_RETURN(
        auto text, ReadScalar<std::string>(node, file, "when must be a condition string"));
    auto condition = Condition::Parse(text);
    if (!condition.ok()) {
      return ErrorAt(file, node, "bad condition: " + condition.status().message());
    }
    loaded.when = std::move(*condition);
  }
  spec.params = root["params"];

  ARBITER_ASSIGN_OR_RETURN(auto evaluator, loaded.plugin->create(spec));
  loaded.evaluator = std::move(evaluator);
  loaded.skipped = loaded.evaluator->SkipReason();
  ARBITER_ASSIGN_OR_RETURN(loaded.fingerprint, EvaluatorFingerprint(spec, *loaded.plugin));
  return loaded;
}

Result<Suite> LoadSuite(const std::filesystem::path& path, const PluginRegistry& registry) {
  ARBITER_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(path));
  return LoadSuite(path, root, registry);
}

Status CheckSuiteKeys(const YAML::Node& root, const std::string& file) {
  return CheckKeys(root, file, {"name", "evaluators", "strata", "gate", "plugins", "otlp"});
}

Result<Suite> LoadSuite(const std::filesystem::path& path, const YAML::Node& root,
                        const PluginRegistry& registry) {
  const std::string file = path.string();
  ARBITER_RETURN_IF_ERROR(CheckSuiteKeys(root, file));
  Suite suite;
  suite.file = path;
  if (!root["name"]) return ErrorAt(file, root, "missing key 'name'");
  ARBITER_ASSIGN_OR_RETURN(auto name,
                           ReadScalar<std::string>(root["name"], file, "name must be a string"));
  suite.name = name;

  const YAML::Node& strata = root["strata"];
  if (strata && !strata.IsNull()) {
    if (!strata.IsSequence()) return ErrorAt(file, strata, "strata must be a list of trace paths");
    for (const YAML::Node& item : strata) {
      ARBITER_ASSIGN_OR_RETURN(auto stratum, ReadPath(item, file, "a stratum"));
      suite.strata.push_back(stratum);
    }
  }

  ARBITER_ASSIGN_OR_RETURN(suite.otlp, ReadOtlpMappingOptions(root["otlp"], file));

  const YAML::Node& gate = root["gate"];
  if (gate && !gate.IsNull()) {
    ARBITER_ASSIGN_OR_RETURN(suite.gate, ReadGatePolicy(gate, file));
  }

  const YAML::Node& list = root["evaluators"];
  if (!list || !list.IsSequence() || list.size() == 0) {
    return ErrorAt(file, list ? list : root, "evaluators must be a non-empty list of files");
  }
  std::string errors;
  std::map<std::string, std::string> seen;  // id -> file declaring it
  for (const YAML::Node& item : list) {
    ARBITER_ASSIGN_OR_RETURN(
        auto relative,
        ReadScalar<std::string>(item, file, "an evaluator entry must be a file path"));
    std::filesystem::path declaration = path.parent_path() / relative;
    if (std::filesystem::path(relative).is_absolute()) declaration = relative;
    if (!PathExists(declaration)) {
      errors += ErrorAt(file, item,
                        "evaluator file '" + declaration.lexically_normal().string() +
                            "' not found" + NearbyFileHint(declaration))
                    .message() +
                "\n";
      continue;
    }
    auto loaded = LoadEvaluator(declaration, registry);
    if (!loaded.ok()) {
      errors += loaded.status().message() + "\n";
      continue;
    }
    auto [it, inserted] = seen.emplace(loaded->spec.id, declaration.string());
    if (!inserted) {
      errors += ErrorAt(file, item,
                        "evaluator id '" + loaded->spec.id + "' is declared twice: in " +
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
