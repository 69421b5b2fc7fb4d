#include "runner/annotate/label_quality.h"

#include <cmath>
#include <cstdlib>

#include "runner/base/suggest.h"

namespace arbiter {
namespace {

std::optional<double> Number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

const char* LabelScaleName(LabelScale scale) {
  switch (scale) {
    case LabelScale::kBinary:
      return "binary";
    case LabelScale::kOneToFive:
      return "1-5";
    case LabelScale::kUnit:
      return "0-1";
  }
  return "binary";
}

std::optional<LabelScale> ParseLabelScale(const std::string& text) {
  if (text == "binary") return LabelScale::kBinary;
  if (text == "1-5") return LabelScale::kOneToFive;
  if (text == "0-1") return LabelScale::kUnit;
  return std::nullopt;
}

Status CheckLabelValue(const std::string& label, LabelScale scale) {
  if (scale == LabelScale::kBinary) {
    if (label == "pass" || label == "fail") return Status::OK();
    return Status::InvalidArgument("label '" + label +
                                   "' is not on the binary scale: pass or fail");
  }
  std::optional<double> value = Number(label);
  if (scale == LabelScale::kOneToFive) {
    if (value && *value >= 1 && *value <= 5 && std::floor(*value) == *value) return Status::OK();
    return Status::InvalidArgument("label '" + label +
                                   "' is not on the 1-5 scale: 1, 2, 3, 4 or 5");
  }
  if (value && *value >= 0 && *value <= 1) return Status::OK();
  return Status::InvalidArgument("label '" + label +
                                 "' is not on the 0-1 scale: a number from 0 to 1");
}

Status CheckLabelQuality(const std::vector<Label>& labels, const LabelQualityRules& rules,
                         const std::string& source) {
  std::vector<std::string> names;
  for (const auto& [name, scale] : rules.modes) names.push_back(name);
  std::string errors;
  size_t count = 0;
  auto add = [&](const Label& label, const std::string& reason) {
    if (++count > 50) return;
    errors +=
        (errors.empty() ? "" : "\n") + source + ":" + std::to_string(label.line) + ": " + reason;
  };
  for (const Label& label : labels) {
    auto mode = rules.modes.find(label.failure_mode);
    if (rules.check_modes && mode == rules.modes.end() && !rules.allow_new_failure_mode) {
      std::string closest = ClosestName(label.failure_mode, names);
      add(label, "failure mode '" + label.failure_mode +
                     "' is declared by no evaluator of the suite and is not in the label set" +
                     (closest.empty() ? "" : " (did you mean '" + closest + "'?)") +
                     "; --allow-new-failure-mode adds it on purpose");
    } else if (mode != rules.modes.end()) {
      Status fits = CheckLabelValue(label.label, mode->second);
      if (!fits.ok()) add(label, fits.message() + " (failure mode '" + label.failure_mode + "')");
    }
    if (rules.trace_ids && !rules.trace_ids->count(label.trace_id)) {
      add(label, "trace id '" + label.trace_id + "' is not in the traces given (--traces)");
    }
  }
  if (count > 50) errors += "\n" + source + ": " + std::to_string(count - 50) + " more problems";
  if (errors.empty()) return Status::OK();
  return Status::InvalidArgument(errors);
}

LabelScale ScaleOfLabels(const std::vector<Label>& labels, const std::string& failure_mode) {
  bool graded = false, one_to_five = true;
  for (const Label& label : labels) {
    if (label.failure_mode != failure_mode || !label.graded()) continue;
    graded = true;
    std::optional<double> value = Number(label.label);
    if (!value || *value < 1 || *value > 5 || std::floor(*value) != *value) one_to_five = false;
  }
  if (!graded) return LabelScale::kBinary;
  return one_to_five ? LabelScale::kOneToFive : LabelScale::kUnit;
}

}  // namespace arbiter
