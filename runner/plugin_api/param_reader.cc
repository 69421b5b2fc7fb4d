#include "runner/plugin_api/param_reader.h"

#include <string>
#include <vector>

#include "runner/base/suggest.h"

namespace arbiter {

Status EvaluatorSpec::ErrorAt(const YAML::Node& at, std::string_view reason) const {
  YAML::Mark mark = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
  if (mark.is_null() && node.IsDefined()) mark = node.Mark();
  return ConfigErrorAt(file.string(), mark, reason);
}

ParamReader::ParamReader(const EvaluatorSpec& spec) : spec_(spec), params_(spec.params) {
  if (params_.IsDefined() && !params_.IsNull() && !params_.IsMap()) {
    Fail(params_, "params must be a mapping");
  }
}

bool ParamReader::Has(const std::string& key) const {
  return params_.IsMap() && params_[key].IsDefined() && !params_[key].IsNull();
}

YAML::Node ParamReader::Lookup(const std::string& key, bool required) {
  used_.insert(key);
  if (!params_.IsMap() || !params_[key].IsDefined() || params_[key].IsNull()) {
    if (required) Fail(params_.IsDefined() ? params_ : spec_.node, "missing param '" + key + "'");
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return params_[key];
}

void ParamReader::Fail(const YAML::Node& at, const std::string& reason) {
  if (error_.ok()) error_ = spec_.ErrorAt(at, reason);
}

std::optional<std::string> ParamReader::String(const std::string& key, bool required) {
  YAML::Node node = Lookup(key, required);
  if (!node.IsDefined()) return std::nullopt;
  if (!node.IsScalar()) {
    Fail(node, "param '" + key + "' must be a string");
    return std::nullopt;
  }
  return node.Scalar();
}

std::vector<std::string> ParamReader::StringList(const std::string& key, bool required) {
  std::vector<std::string> out;
  YAML::Node node = Lookup(key, required);
  if (!node.IsDefined()) return out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) {
    Fail(node, "param '" + key + "' must be a list of strings");
    return out;
  }
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      Fail(item, "param '" + key + "' must be a list of strings");
      return {};
    }
    out.push_back(item.Scalar());
  }
  if (required && out.empty()) Fail(node, "param '" + key + "' must not be empty");
  return out;
}

bool ParamReader::Bool(const std::string& key, bool default_value) {
  YAML::Node node = Lookup(key, false);
  if (!node.IsDefined()) return default_value;
  bool value = default_value;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    Fail(node, "param '" + key + "' must be true or false");
  }
  return value;
}

std::optional<double> ParamReader::Number(const std::string& key, bool required) {
  YAML::Node node = Lookup(key, required);
  if (!node.IsDefined()) return std::nullopt;
  double value = 0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, value)) {
    Fail(node, "param '" + key + "' must be a number");
    return std::nullopt;
  }
  return value;
}

std::optional<long> ParamReader::Integer(const std::string& key, bool required) {
  YAML::Node node = Lookup(key, required);
  if (!node.IsDefined()) return std::nullopt;
  long value = 0;
  if (!node.IsScalar() || !YAML::convert<long>::decode(node, value)) {
    Fail(node, "param '" + key + "' must be an integer");
    return std::nullopt;
  }
  return value;
}

std::string ParamReader::Choice(const std::string& key, const std::vector<std::string>& choices,
                                const std::string& default_value) {
  std::optional<std::string> value = String(key);
  if (!value) return default_value;
  for (const std::string& choice : choices) {
    if (*value == choice) return *value;
  }
  std::string allowed;
  for (const std::string& choice : choices) allowed += (allowed.empty() ? "" : " | ") + choice;
  Fail(params_[key], "param '" + key + "' is '" + *value + "'; expected " + allowed);
  return default_value;
}

YAML::Node ParamReader::Node(const std::string& key, bool required) {
  return Lookup(key, required);
}

Status ParamReader::Finish() {
  if (!error_.ok()) return error_;
  if (params_.IsMap()) {
    for (const auto& item : params_) {
      std::string key = item.first.Scalar();
      if (!used_.count(key)) {
        // The params the plugin read are the ones it knows: the closest is the likely intent.
        std::string closest =
            ClosestName(key, std::vector<std::string>(used_.begin(), used_.end()));
        return spec_.ErrorAt(item.first,
                             "unknown param '" + key + "' for plugin '" + spec_.plugin + "'" +
                                 (closest.empty() ? "" : " (did you mean '" + closest + "'?)"));
      }
    }
  }
  return Status::OK();
}

}  // namespace arbiter
