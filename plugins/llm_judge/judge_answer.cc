#include "plugins/llm_judge/judge_answer.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "runner/base/json_util.h"
#include "runner/plugin_api/text_target.h"

namespace arbiter {
namespace {

// The end (one past the closing brace) of the object starting at `open`, skipping braces inside
// strings; npos when the object is not closed (a truncated answer).
size_t ObjectEnd(std::string_view text, size_t open) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = open; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The score as a number: JSON numbers, numeric strings ("4"), and booleans on the binary scale.
bool ReadScore(const nlohmann::json& value, JudgeScale scale, double& out) {
  if (value.is_number()) {
    out = value.get<double>();
    return true;
  }
  if (value.is_boolean() && scale == JudgeScale::kBinary) {
    out = value.get<bool>() ? 1.0 : 0.0;
    return true;
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size();
  }
  return false;
}

bool InScale(double raw, JudgeScale scale) {
  switch (scale) {
    case JudgeScale::kBinary:
      return raw == 0.0 || raw == 1.0;
    case JudgeScale::kOneToFive:
      return raw >= 1.0 && raw <= 5.0 && raw == std::floor(raw);
    case JudgeScale::kUnit:
      return raw >= 0.0 && raw <= 1.0;
  }
  return false;
}

}  // namespace

Result<JudgeAnswer> ParseJudgeAnswer(std::string_view text, JudgeScale scale) {
  for (size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    size_t end = ObjectEnd(text, open);
    if (end == std::string_view::npos) break;
    nlohmann::json object =
        nlohmann::json::parse(text.substr(open, end - open), nullptr, /*allow_exceptions=*/false);
    if (!object.is_object() || !object.contains("score")) continue;
    JudgeAnswer answer;
    if (!ReadScore(object["score"], scale, answer.raw) || !std::isfinite(answer.raw)) {
      return Status::InvalidArgument("score " + object["score"].dump() + " is not a number");
    }
    if (!InScale(answer.raw, scale)) {
      std::string raw;
      AppendJsonNumber(raw, answer.raw);
      return Status::InvalidArgument("score " + raw + " is outside the " + ScaleName(scale) +
                                     " scale");
    }
    answer.score = scale == JudgeScale::kOneToFive ? (answer.raw - 1.0) / 4.0 : answer.raw;
    if (object.contains("reason")) {
      const nlohmann::json& reason = object["reason"];
      answer.reason = reason.is_string() ? reason.get<std::string>() : reason.dump();
    }
    return answer;
  }
  return Status::InvalidArgument("no JSON object with a score in the answer: " +
                                 Excerpt(text, 120));
}

}  // namespace arbiter
