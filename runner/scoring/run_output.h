// A run's output folder read back (`arbiter run --out DIR`): its scores.jsonl as per-evaluator
// outcomes by trace, and its scorecard.json (fingerprints, skipped evaluators, an interrupted
// run, the strata). What `arbiter gate` compares.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/base/status.h"

namespace arbiter {

// One row's outcome, kept small: a gate over a million traces holds one per trace and evaluator.
enum class Outcome : uint8_t { kPass, kFail, kError };

struct EvaluatorRun {
  std::string id;
  int version = 0;
  std::string fingerprint;  // from scorecard.json; empty when the scorecard has none
  std::string skipped;      // why the run wrote no rows for it (scorecard.json `skipped`)
  std::map<std::string, Outcome> by_trace;
  uint64_t judged = 0;  // rows with a pass or a fail
  uint64_t errors = 0;  // error rows

  double error_rate() const {
    uint64_t rows = judged + errors;
    return rows ? static_cast<double>(errors) / static_cast<double>(rows) : 0.0;
  }
};

struct RunOutput {
  std::filesystem::path dir;
  nlohmann::ordered_json scorecard;      // null when the folder has no scorecard.json
  std::vector<EvaluatorRun> evaluators;  // the scorecard's order, then any others by first row
  bool interrupted = false;              // the run was stopped by a signal (scorecard.json)

  const EvaluatorRun* Find(const std::string& id) const;
};

// Reads DIR/scores.jsonl (required) and DIR/scorecard.json (optional). An evaluator listed in
// the scorecard appears even when it wrote no row. A missing folder or scores.jsonl is
// NotFound; a malformed row is Corruption naming file and line.
Result<RunOutput> LoadRunOutput(const std::filesystem::path& dir);

// The reason (or error) of each wanted (evaluator, trace) row of DIR/scores.jsonl, for reports
// that list a few traces: the outcomes above keep no text, so the file is read a second time.
Result<std::map<std::pair<std::string, std::string>, std::string>> LoadRowReasons(
    const std::filesystem::path& dir, const std::set<std::pair<std::string, std::string>>& wanted);

}  // namespace arbiter
