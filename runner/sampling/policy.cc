#include "runner/sampling/policy.h"

#include <charconv>
#include <cmath>

#include "runner/base/duration.h"
#include "runner/base/json_util.h"
#include "runner/base/report_text.h"
#include "runner/base/sha256.h"
#include "runner/base/utf8.h"
#include "runner/base/yaml_file.h"
#include "runner/plugin_api/param_reader.h"
#include "runner/redact/options.h"
#include "runner/sampling/plan.h"
#include "runner/scoring/score_failures.h"
#include "runner/source/otlp_mapping_yaml.h"

namespace arbiter {
namespace {

Result<uint64_t> ReadCount(const YAML::Node& node, const std::string& file, long minimum,
                           const std::string& what) {
  std::string reason = what + " must be an integer of at least " + std::to_string(minimum);
  ARBITER_ASSIGN_OR_RETURN(long value, ReadScalar<long>(node, file, reason));
  if (value < minimum) return ConfigErrorAt(file, node.Mark(), reason);
  return static_cast<uint64_t>(value);
}

// A number strictly inside (low, high), or at most `high` when `high_inclusive`.
Result<double> ReadFraction(const YAML::Node& node, const std::string& file,
                            const std::string& what, double high, bool high_inclusive) {
  std::string reason = what + " must be a number above 0 and " +
                       (high_inclusive ? "at most " : "below ") + NumberText(high);
  ARBITER_ASSIGN_OR_RETURN(double value, ReadScalar<double>(node, file, reason));
  bool in_range = value > 0 && (high_inclusive ? value <= high : value < high);
  if (!in_range) return ConfigErrorAt(file, node.Mark(), reason);
  return value;
}

Result<TracePath> ReadPath(const YAML::Node& node, const std::string& file) {
  ARBITER_ASSIGN_OR_RETURN(std::string text,
                           ReadScalar<std::string>(node, file, "a stratum must be a path"));
  Result<TracePath> path = TracePath::Parse(text);
  if (!path.ok()) return ConfigErrorAt(file, node.Mark(), path.status().message());
  return path;
}

Result<StratumSpec> ReadStratum(const YAML::Node& item, const std::string& file) {
  StratumSpec spec;
  if (!item.IsMap()) {
    ARBITER_ASSIGN_OR_RETURN(TracePath path, ReadPath(item, file));
    spec.path = path;
    return spec;
  }
  constexpr char kShape[] = "a bucketed stratum is {PATH: [EDGE, ...]}, edges ascending";
  if (item.size() != 1) return ConfigErrorAt(file, item.Mark(), kShape);
  const auto& entry = *item.begin();
  ARBITER_ASSIGN_OR_RETURN(TracePath path, ReadPath(entry.first, file));
  spec.path = path;
  if (!entry.second.IsSequence() || entry.second.size() == 0) {
    return ConfigErrorAt(file, entry.second.Mark(), kShape);
  }
  for (const YAML::Node& edge : entry.second) {
    ARBITER_ASSIGN_OR_RETURN(double value,
                             ReadScalar<double>(edge, file, "a bucket edge must be a number"));
    if (!std::isfinite(value) || (!spec.edges.empty() && value <= spec.edges.back())) {
      return ConfigErrorAt(file, edge.Mark(), "bucket edges must be finite and ascending");
    }
    spec.edges.push_back(value);
  }
  return spec;
}

Status ReadStrata(const YAML::Node& node, const std::string& file, SamplePolicy& policy) {
  if (!node) return Status::OK();
  if (!node.IsSequence()) return ConfigErrorAt(file, node.Mark(), "strata must be a list of paths");
  for (const YAML::Node& item : node) {
    ARBITER_ASSIGN_OR_RETURN(StratumSpec spec, ReadStratum(item, file));
    policy.strata.push_back(std::move(spec));
  }
  return Status::OK();
}

Status ReadTargets(const YAML::Node& node, const std::string& file, SamplePolicy& policy) {
  if (!node || !node.IsMap()) {
    return ConfigErrorAt(file, node ? node.Mark() : YAML::Mark(),
                         "targets must be a mapping: {default: N} or {half_width: H}, and counts "
                         "per stratum");
  }
  if (node["default"].IsDefined() == node["half_width"].IsDefined()) {
    return ConfigErrorAt(file, node.Mark(),
                         "targets needs exactly one of 'default' (a count) and 'half_width'");
  }
  if (node["expected_rate"] && !node["half_width"]) {
    return ConfigErrorAt(file, node["expected_rate"].Mark(), "expected_rate goes with half_width");
  }
  for (const auto& item : node) {
    const std::string& key = item.first.Scalar();
    const YAML::Node& value = item.second;
    if (key == "half_width") {
      ARBITER_ASSIGN_OR_RETURN(double h, ReadFraction(value, file, "half_width", 0.5, true));
      policy.half_width = h;
    } else if (key == "expected_rate") {
      ARBITER_ASSIGN_OR_RETURN(double p, ReadFraction(value, file, "expected_rate", 1, false));
      policy.expected_rate = p;
    } else {
      long minimum = key == "budget" || key == "min_per_stratum" ? 1 : 0;
      ARBITER_ASSIGN_OR_RETURN(uint64_t count, ReadCount(value, file, minimum, "targets." + key));
      if (key == "default") {
        policy.explicit_default = count;
      } else if (key == "budget") {
        policy.budget = count;
      } else if (key == "min_per_stratum") {
        policy.min_per_stratum = count;
      } else {
        policy.targets[key] = count;
      }
    }
  }
  return Status::OK();
}

Result<std::shared_ptr<const ScoreFailure>> ReadScoreFailure(const YAML::Node& node,
                                                             const std::string& file) {
  ARBITER_RETURN_IF_ERROR(CheckKeys(node, file, {"scores", "evaluator", "below"}));
  constexpr char kShape[] = "a score failure is {scores: FILE, evaluator: ID, below: NUMBER}";
  if (!node["scores"] || !node["evaluator"] || !node["below"]) {
    return ConfigErrorAt(file, node.Mark(), kShape);
  }
  auto failure = std::make_shared<ScoreFailure>();
  ARBITER_ASSIGN_OR_RETURN(std::string scores,
                           ReadScalar<std::string>(node["scores"], file, kShape));
  ARBITER_ASSIGN_OR_RETURN(std::string evaluator,
                           ReadScalar<std::string>(node["evaluator"], file, kShape));
  ARBITER_ASSIGN_OR_RETURN(double below,
                           ReadScalar<double>(node["below"], file, "below must be a number"));
  std::filesystem::path path(scores);
  if (path.is_relative()) path = std::filesystem::path(file).parent_path() / path;
  failure->scores = path.lexically_normal().string();
  failure->evaluator = evaluator;
  failure->below = below;
  auto failing = LoadScoreFailures(failure->scores, failure->evaluator, failure->below);
  if (!failing.ok()) {
    return ConfigErrorAt(file, node.Mark(), failing.status().message());
  }
  failure->trace_ids = std::move(*failing);
  return std::shared_ptr<const ScoreFailure>(std::move(failure));
}

Status ReadFailure(const YAML::Node& node, const std::string& file, SamplePolicy& policy) {
  if (!node) return Status::OK();
  if (!node.IsMap() || !node["any"] || !node["any"].IsSequence()) {
    return ConfigErrorAt(file, node.Mark(), "failure must be {any: [CONDITION, ...]}");
  }
  ARBITER_RETURN_IF_ERROR(CheckKeys(node, file, {"any"}));
  for (const YAML::Node& item : node["any"]) {
    if (item.IsMap()) {
      ARBITER_ASSIGN_OR_RETURN(auto failure, ReadScoreFailure(item, file));
      policy.failure_scores.push_back(std::move(failure));
      continue;
    }
    ARBITER_ASSIGN_OR_RETURN(std::string text,
                             ReadScalar<std::string>(item, file, "a condition must be text"));
    Result<Condition> condition = Condition::Parse(text);
    if (!condition.ok()) return ConfigErrorAt(file, item.Mark(), condition.status().message());
    policy.failure_any.push_back(*condition);
  }
  return Status::OK();
}

bool IsRuleName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

Status ReadFocus(const YAML::Node& node, const std::string& file, SamplePolicy& policy) {
  if (!node) return Status::OK();
  if (!node.IsSequence()) {
    return ConfigErrorAt(file, node.Mark(), "focus must be a list of {name, when, collect}");
  }
  for (const YAML::Node& item : node) {
    constexpr char kShape[] = "a focus rule is {name: NAME, when: CONDITION, collect: N}";
    if (!item.IsMap() || !item["name"] || !item["when"] || !item["collect"]) {
      return ConfigErrorAt(file, item.Mark(), kShape);
    }
    ARBITER_RETURN_IF_ERROR(CheckKeys(item, file, {"name", "when", "collect"}));
    FocusRule rule;
    ARBITER_ASSIGN_OR_RETURN(std::string name, ReadScalar<std::string>(item["name"], file, kShape));
    if (!IsRuleName(name)) {
      return ConfigErrorAt(file, item["name"].Mark(), "a focus name must match [a-z0-9-]+");
    }
    for (const FocusRule& other : policy.focus) {
      if (other.name == name) {
        return ConfigErrorAt(file, item["name"].Mark(), "focus rule '" + name + "' twice");
      }
    }
    rule.name = name;
    ARBITER_ASSIGN_OR_RETURN(std::string when, ReadScalar<std::string>(item["when"], file, kShape));
    Result<Condition> condition = Condition::Parse(when);
    if (!condition.ok()) {
      return ConfigErrorAt(file, item["when"].Mark(), condition.status().message());
    }
    rule.when = *condition;
    ARBITER_ASSIGN_OR_RETURN(uint64_t collect, ReadCount(item["collect"], file, 1, "collect"));
    rule.collect = collect;
    policy.focus.push_back(std::move(rule));
  }
  return Status::OK();
}

Result<SamplePolicy> SamplePolicyFromYaml(const YAML::Node& root, const std::string& file) {
  if (!root.IsMap()) return Status::InvalidArgument(file + ": a policy must be a mapping");
  ARBITER_RETURN_IF_ERROR(CheckPolicyKeys(root, file));
  SamplePolicy policy;
  policy.file = file;
  ARBITER_RETURN_IF_ERROR(ReadStrata(root["strata"], file, policy));
  ARBITER_RETURN_IF_ERROR(ReadTargets(root["targets"], file, policy));
  ARBITER_RETURN_IF_ERROR(ReadFailure(root["failure"], file, policy));
  ARBITER_RETURN_IF_ERROR(ReadFocus(root["focus"], file, policy));
  ARBITER_ASSIGN_OR_RETURN(policy.otlp, ReadOtlpMappingOptions(root["otlp"], file));
  // One policy file may serve `redact` and `triage` too; a bad redaction pattern is reported
  // here as well rather than only when the sample reaches annotation.
  ARBITER_ASSIGN_OR_RETURN(RedactOptions redact, ReadRedactOptions(root["redact"], file));
  if (root["failure_multiplier"]) {
    ARBITER_ASSIGN_OR_RETURN(double multiplier,
                             ReadScalar<double>(root["failure_multiplier"], file,
                                                "failure_multiplier must be a number"));
    if (!(multiplier >= 1)) {
      return ConfigErrorAt(file, root["failure_multiplier"].Mark(),
                           "failure_multiplier must be at least 1");
    }
    policy.failure_multiplier = multiplier;
  }
  if (root["cost_per_trace"]) {
    ARBITER_ASSIGN_OR_RETURN(double cost, ReadScalar<double>(root["cost_per_trace"], file,
                                                             "cost_per_trace must be a number"));
    if (!(cost >= 0)) {
      return ConfigErrorAt(file, root["cost_per_trace"].Mark(), "cost_per_trace must be >= 0");
    }
    policy.cost_per_trace = cost;
  }
  if (root["window"]) {
    ARBITER_ASSIGN_OR_RETURN(
        std::string text,
        ReadScalar<std::string>(root["window"], file, "window must be a duration such as 1h"));
    Result<uint64_t> ms = ParseDurationMs(text);
    if (!ms.ok()) return ConfigErrorAt(file, root["window"].Mark(), ms.status().message());
    if (*ms < 1000) return ConfigErrorAt(file, root["window"].Mark(), "window must be at least 1s");
    policy.window_ms = *ms;
  }
  return policy;
}

}  // namespace

void StratumSpec::AppendValue(simdjson::dom::element root, std::string& key) const {
  auto value = path.Lookup(root);
  if (!value || value->is_null()) {
    key += "null";
    return;
  }
  if (edges.empty()) {
    std::string_view text;
    if (!value->get_string().get(text)) {
      key += text;
    } else {
      key += ElementText(*value);
    }
    return;
  }
  std::optional<double> number = ElementNumber(*value);
  if (!number || std::isnan(*number)) {
    key += "null";
    return;
  }
  // The bucket [edges[i-1], edges[i]) holding the number.
  size_t i = 0;
  while (i < edges.size() && *number >= edges[i]) ++i;
  key += i == 0 ? "(-inf" : "[" + NumberText(edges[i - 1]);
  key += ',';
  key += i == edges.size() ? "inf)" : NumberText(edges[i]) + ")";
}

uint64_t SamplePolicy::DefaultTarget() const {
  if (explicit_default) return *explicit_default;
  return half_width ? SampleSizeForHalfWidth(*half_width, expected_rate) : 0;
}

uint64_t SamplePolicy::TargetFor(const std::string& stratum) const {
  auto it = targets.find(stratum);
  return it == targets.end() ? DefaultTarget() : it->second;
}

void SamplePolicy::StratumOf(simdjson::dom::element root, std::string& key) const {
  key.clear();
  if (strata.empty()) {
    key = "all";
    return;
  }
  for (size_t i = 0; i < strata.size(); ++i) {
    if (i > 0) key += '|';
    strata[i].AppendValue(root, key);
  }
}

bool SamplePolicy::IsFailure(simdjson::dom::element root) const {
  for (const Condition& condition : failure_any) {
    if (condition.Matches(root)) return true;
  }
  if (failure_scores.empty()) return false;
  std::string_view trace_id;
  if (root["trace_id"].get(trace_id)) return false;
  for (const auto& failure : failure_scores) {
    if (failure->trace_ids.find(trace_id) != failure->trace_ids.end()) return true;
  }
  return false;
}

Result<SamplePolicy> ParseSamplePolicy(const std::string& yaml_text, const std::string& file) {
  ARBITER_RETURN_IF_ERROR(CheckUtf8(yaml_text, file));
  try {
    YAML::Node root = YAML::Load(yaml_text);
    ARBITER_RETURN_IF_ERROR(CheckYamlDocument(root, file));
    ARBITER_ASSIGN_OR_RETURN(SamplePolicy policy, SamplePolicyFromYaml(root, file));
    // What a partial sample's fingerprint hashes when there is no file to read.
    policy.text_sha256 = Sha256Hex(yaml_text);
    return policy;
  } catch (const YAML::Exception& e) {
    return ConfigErrorAt(file, e.mark, e.msg);
  }
}

Result<SamplePolicy> LoadSamplePolicy(const std::filesystem::path& path) {
  ARBITER_ASSIGN_OR_RETURN(YAML::Node node, LoadYamlFile(path));
  try {
    return SamplePolicyFromYaml(node, path.string());
  } catch (const YAML::Exception& e) {
    return ConfigErrorAt(path.string(), e.mark, e.msg);
  }
}

}  // namespace arbiter
