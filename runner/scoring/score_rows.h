// scores.jsonl (SPEC "scores.jsonl") has one owner: this file writes its rows (the trace scorer)
// and reads them back (calibration, the gate, a sampling failure signal), so the format and its
// file:line error messages live in one place and every reader judges exactly what the run wrote.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "runner/base/status.h"

namespace arbiter {

// The part of a row fixed per evaluator, built once per run: `, "evaluator": "ID", "version": N`.
std::string ScoreRowLabel(std::string_view evaluator, int version);

// A scored row, with its newline. `label` is the evaluator's ScoreRowLabel.
void AppendScoreRow(std::string& out, std::string_view trace_id, std::string_view label,
                    double score, bool pass, std::string_view reason);

// An error row (score, pass and reason null), with its newline.
void AppendErrorRow(std::string& out, std::string_view trace_id, std::string_view label,
                    std::string_view error);

struct ScoreRow {
  std::string trace_id;
  std::string evaluator;
  int version = 0;
  std::optional<double> score;  // nullopt for an error row
  std::optional<bool> pass;     // nullopt for an error row
  std::string reason;
  std::string error;  // non-empty for an error row
};

// What a reader requires of each row.
enum class ScoreRowFields : uint8_t {
  // Every field `arbiter run` writes: trace_id, evaluator, version, then score and pass, or a
  // non-null error.
  kAll,
  // trace_id, evaluator and score only, the score null or absent for none: a failure signal
  // for sampling may come from a scores file written by hand or by another tool.
  kScore,
};

// Parses one row; returns the reason it is not a score row, or "".
std::string ParseScoreRow(std::string_view line, simdjson::dom::parser& parser, ScoreRow& row,
                          ScoreRowFields fields = ScoreRowFields::kAll);

// Calls `each` for every row of `path` (plain or .gz); blank lines are skipped. A malformed row
// is a Corruption naming the file and line: "FILE:LINE: REASON (expected a scores.jsonl row)".
Status ReadScoreRows(const std::string& path, const std::function<void(ScoreRow&)>& each,
                     ScoreRowFields fields = ScoreRowFields::kAll);

}  // namespace arbiter
