// Reading scores.jsonl (SPEC "scores.jsonl") back: calibration and the gate work from the rows
// a run wrote, so they judge exactly what the run judged.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "runner/base/status.h"

namespace arbiter {

struct ScoreRow {
  std::string trace_id;
  std::string evaluator;
  int version = 0;
  std::optional<double> score;  // nullopt for an error row
  std::optional<bool> pass;     // nullopt for an error row
  std::string reason;
  std::string error;  // non-empty for an error row
};

// Parses one row; returns the reason it is not a score row, or "".
std::string ParseScoreRow(std::string_view line, simdjson::dom::parser& parser, ScoreRow& row);

// Calls `each` for every row of `path` (plain or .gz). A malformed row is an error naming the
// file and line.
Status ReadScoreRows(const std::string& path, const std::function<void(ScoreRow&)>& each);

}  // namespace arbiter
