// calibration.md: calibration.json for people, the disagreements first-class (they are what an
// engineer reads when revising a rubric).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace arbiter {

struct CalibrationNotes {
  std::vector<std::string> unlabeled;  // evaluators whose failure mode has no labels
  std::vector<std::string> lines;      // anything else worth saying (contested labels, ...)
};

std::string CalibrationMarkdown(const nlohmann::ordered_json& calibration,
                                const CalibrationNotes& notes);

// `object[key]`, or null when `object` is not an object or lacks the key. Reports read
// calibration files that people may have written by hand; const operator[] on a missing key is
// undefined behaviour in nlohmann::json.
const nlohmann::ordered_json& Field(const nlohmann::ordered_json& object, const char* key);

// A JSON number as a double, for FigureText (runner/base/report_text.h); nullopt for anything
// else (null, a missing field), which FigureText shows as "-".
std::optional<double> Number(const nlohmann::ordered_json& value);

}  // namespace arbiter
