#include "runner/triage/options.h"

#include <cmath>

#include "runner/base/yaml_file.h"
#include "runner/plugin_api/param_reader.h"
#include "runner/redact/options.h"
#include "runner/source/otlp_mapping_yaml.h"

namespace arbiter {
namespace {

constexpr std::string_view kKeys[] = {"context_ratio",
                                      "spike_z",
                                      "min_group_size",
                                      "resubmit_window_s",
                                      "resubmit_similarity",
                                      "per_session",
                                      "refusal_phrases",
                                      "guardrail_statuses",
                                      "guardrail_finish_reasons",
                                      "weights"};

Status ReadNumber(const YAML::Node& node, const std::string& file, const char* key, double& out) {
  if (!node) return Status::OK();
  ARBITER_ASSIGN_OR_RETURN(double value,
                           ReadScalar<double>(node, file, std::string(key) + " must be a number"));
  if (!std::isfinite(value))
    return ConfigErrorAt(file, node.Mark(), std::string(key) + " must be finite");
  out = value;
  return Status::OK();
}

Status ReadCount(const YAML::Node& node, const std::string& file, const char* key, size_t& out) {
  if (!node) return Status::OK();
  std::string what = std::string(key) + " must be a non-negative integer";
  ARBITER_ASSIGN_OR_RETURN(long value, ReadScalar<long>(node, file, what));
  if (value < 0) return ConfigErrorAt(file, node.Mark(), what);
  out = static_cast<size_t>(value);
  return Status::OK();
}

Status ReadStrings(const YAML::Node& node, const std::string& file, const char* key,
                   std::vector<std::string>& out) {
  if (!node) return Status::OK();
  std::string what = std::string(key) + " must be a list of non-empty strings";
  if (!node.IsSequence()) return ConfigErrorAt(file, node.Mark(), what);
  std::vector<std::string> values;
  for (const YAML::Node& item : node) {
    ARBITER_ASSIGN_OR_RETURN(std::string text, ReadScalar<std::string>(item, file, what));
    if (text.empty()) return ConfigErrorAt(file, item.Mark(), what);
    values.push_back(text);
  }
  out = std::move(values);
  return Status::OK();
}

Status ReadWeights(const YAML::Node& node, const std::string& file, TriageOptions& options) {
  if (!node) return Status::OK();
  if (!node.IsMap()) return ConfigErrorAt(file, node.Mark(), "weights must map signals to numbers");
  std::vector<std::string_view> names;
  for (size_t i = 0; i < kTriageSignalCount; ++i) {
    names.push_back(TriageSignalName(static_cast<TriageSignal>(i)));
  }
  ARBITER_RETURN_IF_ERROR(CheckKeys(node, file, names));
  for (size_t i = 0; i < kTriageSignalCount; ++i) {
    const YAML::Node weight = node[std::string(names[i])];
    ARBITER_RETURN_IF_ERROR(ReadNumber(weight, file, "a weight", options.weights[i]));
    if (weight && options.weights[i] < 0) {
      return ConfigErrorAt(file, weight.Mark(), "a weight must not be negative");
    }
  }
  return Status::OK();
}

}  // namespace

const char* TriageSignalName(TriageSignal signal) {
  switch (signal) {
    case TriageSignal::kContextPressure:
      return "context_pressure";
    case TriageSignal::kTokenSpike:
      return "token_spike";
    case TriageSignal::kResubmission:
      return "resubmission";
    case TriageSignal::kToolErrors:
      return "tool_errors";
    case TriageSignal::kRefusal:
      return "refusal";
    case TriageSignal::kGuardrail:
      return "guardrail";
    case TriageSignal::kNegativeFeedback:
      return "negative_feedback";
  }
  return "unknown";
}

const char* TriageGroupStatsName(TriageGroupStats stats) {
  return stats == TriageGroupStats::kStreaming ? "streaming" : "exact";
}

bool ParseTriageGroupStats(std::string_view name, TriageGroupStats& stats) {
  for (TriageGroupStats each : {TriageGroupStats::kExact, TriageGroupStats::kStreaming}) {
    if (name == TriageGroupStatsName(each)) {
      stats = each;
      return true;
    }
  }
  return false;
}

std::vector<std::string> TriageOptions::DefaultRefusalPhrases() {
  // evaluators/no-refusal.yaml's phrases (both apostrophes), then common English refusals.
  return {"I'm sorry, but I can't help with that",
          "I’m sorry, but I can’t help with that",
          "I can't assist with that",
          "I can’t assist with that",
          "Es tut mir leid, aber dabei kann ich nicht helfen",
          "Je suis désolé, mais je ne peux pas vous aider",
          "Lo siento, pero no puedo ayudarte con eso",
          "申し訳ありませんが、その件についてはお手伝いできません",
          "I cannot help with that",
          "I cannot assist with that",
          "I'm unable to help with that",
          "I’m unable to help with that",
          "I am unable to help with that",
          "As an AI language model"};
}

Status TriageOptions::Validate() const {
  if (!(context_ratio > 0 && context_ratio < 1)) {
    return Status::InvalidArgument("context_ratio must be between 0 and 1 (exclusive)");
  }
  if (!(spike_z > 0)) return Status::InvalidArgument("spike_z must be positive");
  if (min_group_size < 2) return Status::InvalidArgument("min_group_size must be at least 2");
  if (!(resubmit_window_s >= 0)) {
    return Status::InvalidArgument("resubmit_window_s must not be negative");
  }
  if (!(resubmit_similarity > 0 && resubmit_similarity <= 1)) {
    return Status::InvalidArgument("resubmit_similarity must be in (0, 1]");
  }
  if (top == 0) return Status::InvalidArgument("--top must be at least 1");
  return Status::OK();
}

Status ApplyTriagePolicy(const YAML::Node& root, const std::string& file, TriageOptions& options) {
  ARBITER_ASSIGN_OR_RETURN(options.otlp, ReadOtlpMappingOptions(root["otlp"], file));
  const YAML::Node triage = root["triage"];
  if (!triage || triage.IsNull()) return Status::OK();
  if (!triage.IsMap()) return ConfigErrorAt(file, triage.Mark(), "triage must be a mapping");
  ARBITER_RETURN_IF_ERROR(
      CheckKeys(triage, file, std::vector<std::string_view>(std::begin(kKeys), std::end(kKeys))));
  ARBITER_RETURN_IF_ERROR(
      ReadNumber(triage["context_ratio"], file, "context_ratio", options.context_ratio));
  ARBITER_RETURN_IF_ERROR(ReadNumber(triage["spike_z"], file, "spike_z", options.spike_z));
  ARBITER_RETURN_IF_ERROR(
      ReadCount(triage["min_group_size"], file, "min_group_size", options.min_group_size));
  ARBITER_RETURN_IF_ERROR(ReadNumber(triage["resubmit_window_s"], file, "resubmit_window_s",
                                     options.resubmit_window_s));
  ARBITER_RETURN_IF_ERROR(ReadNumber(triage["resubmit_similarity"], file, "resubmit_similarity",
                                     options.resubmit_similarity));
  ARBITER_RETURN_IF_ERROR(
      ReadCount(triage["per_session"], file, "per_session", options.per_session));
  ARBITER_RETURN_IF_ERROR(
      ReadStrings(triage["refusal_phrases"], file, "refusal_phrases", options.refusal_phrases));
  ARBITER_RETURN_IF_ERROR(ReadStrings(triage["guardrail_statuses"], file, "guardrail_statuses",
                                      options.guardrail_statuses));
  ARBITER_RETURN_IF_ERROR(ReadStrings(triage["guardrail_finish_reasons"], file,
                                      "guardrail_finish_reasons",
                                      options.guardrail_finish_reasons));
  ARBITER_RETURN_IF_ERROR(ReadWeights(triage["weights"], file, options));
  Status valid = options.Validate();
  if (!valid.ok()) return ConfigErrorAt(file, triage.Mark(), valid.message());
  return Status::OK();
}

Status LoadTriagePolicy(const std::filesystem::path& path, TriageOptions& options) {
  ARBITER_ASSIGN_OR_RETURN(YAML::Node node, LoadYamlFile(path));
  ARBITER_RETURN_IF_ERROR(CheckPolicyKeys(node, path.string()));
  return ApplyTriagePolicy(node, path.string(), options);
}

}  // namespace arbiter
