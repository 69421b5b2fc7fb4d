#include "runner/sample_policy.h"

#include "runner/param_reader.h"
#include "runner/yaml_file.h"

namespace arbiter {
namespace {

Result<uint64_t> ReadTarget(const YAML::Node& node, const std::string& file) {
  Result<long> value = ReadScalar<long>(node, file, "a target must be a non-negative integer");
  if (!value.ok()) return value.status();
  if (*value < 0)
    return ConfigErrorAt(file, node.Mark(), "a target must be a non-negative integer");
  return static_cast<uint64_t>(*value);
}

Status ReadStrata(const YAML::Node& node, const std::string& file, SamplePolicy& policy) {
  if (!node) return Status::OK();
  if (!node.IsSequence()) return ConfigErrorAt(file, node.Mark(), "strata must be a list of paths");
  for (const YAML::Node& item : node) {
    Result<std::string> text = ReadScalar<std::string>(item, file, "a stratum must be a path");
    if (!text.ok()) return text.status();
    Result<TracePath> path = TracePath::Parse(*text);
    if (!path.ok()) return ConfigErrorAt(file, item.Mark(), path.status().message());
    policy.strata.push_back(*path);
  }
  return Status::OK();
}

Status ReadTargets(const YAML::Node& node, const std::string& file, SamplePolicy& policy) {
  if (!node || !node.IsMap()) {
    return ConfigErrorAt(file, node ? node.Mark() : YAML::Mark(),
                         "targets must be a mapping with a 'default' count");
  }
  if (node["half_width"] || node["expected_rate"] || node["budget"]) {
    return ConfigErrorAt(file, node.Mark(),
                         "half_width/budget targets are not supported yet; give explicit counts");
  }
  if (!node["default"]) return ConfigErrorAt(file, node.Mark(), "targets.default is required");
  for (const auto& item : node) {
    Result<uint64_t> target = ReadTarget(item.second, file);
    if (!target.ok()) return target.status();
    const std::string& key = item.first.Scalar();
    if (key == "default") {
      policy.default_target = *target;
    } else {
      policy.targets[key] = *target;
    }
  }
  return Status::OK();
}

Status ReadFailure(const YAML::Node& node, const std::string& file, SamplePolicy& policy) {
  if (!node) return Status::OK();
  if (!node.IsMap() || !node["any"] || !node["any"].IsSequence()) {
    return ConfigErrorAt(file, node.Mark(), "failure must be {any: [CONDITION, ...]}");
  }
  ARBITER_RETURN_IF_ERROR(CheckKeys(node, file, {"any"}));
  for (const YAML::Node& item : node["any"]) {
    Result<std::string> text = ReadScalar<std::string>(item, file, "a condition must be text");
    if (!text.ok()) return text.status();
    Result<Condition> condition = Condition::Parse(*text);
    if (!condition.ok()) return ConfigErrorAt(file, item.Mark(), condition.status().message());
    policy.failure_any.push_back(*condition);
  }
  return Status::OK();
}

}  // namespace

uint64_t SamplePolicy::TargetFor(const std::string& stratum) const {
  auto it = targets.find(stratum);
  return it == targets.end() ? default_target : it->second;
}

Result<SamplePolicy> SamplePolicyFromYaml(const YAML::Node& root, const std::string& file) {
  if (!root.IsMap()) return Status::InvalidArgument(file + ": a policy must be a mapping");
  ARBITER_RETURN_IF_ERROR(
      CheckKeys(root, file, {"strata", "targets", "failure", "failure_multiplier", "focus"}));
  SamplePolicy policy;
  if (root["focus"] && root["focus"].size() > 0) {
    return ConfigErrorAt(file, root["focus"].Mark(), "focus rules are not supported yet");
  }
  ARBITER_RETURN_IF_ERROR(ReadStrata(root["strata"], file, policy));
  ARBITER_RETURN_IF_ERROR(ReadTargets(root["targets"], file, policy));
  ARBITER_RETURN_IF_ERROR(ReadFailure(root["failure"], file, policy));
  if (root["failure_multiplier"]) {
    Result<double> multiplier =
        ReadScalar<double>(root["failure_multiplier"], file, "failure_multiplier must be a number");
    if (!multiplier.ok()) return multiplier.status();
    if (!(*multiplier >= 1)) {
      return ConfigErrorAt(file, root["failure_multiplier"].Mark(),
                           "failure_multiplier must be at least 1");
    }
    policy.failure_multiplier = *multiplier;
  }
  return policy;
}

Result<SamplePolicy> ParseSamplePolicy(const std::string& yaml_text, const std::string& file) {
  try {
    return SamplePolicyFromYaml(YAML::Load(yaml_text), file);
  } catch (const YAML::Exception& e) {
    return ConfigErrorAt(file, e.mark, e.msg);
  }
}

Result<SamplePolicy> LoadSamplePolicy(const std::filesystem::path& path) {
  Result<YAML::Node> node = LoadYamlFile(path);
  if (!node.ok()) return node.status();
  return SamplePolicyFromYaml(*node, path.string());
}

}  // namespace arbiter
