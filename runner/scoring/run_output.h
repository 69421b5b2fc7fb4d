// A run's output folder read back (`arbiter run --out DIR`): its scores.jsonl as per-evaluator
// pass/fail by trace, and its scorecard.json (for the strata). What `arbiter gate` compares.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/base/status.h"

namespace arbiter {

struct EvaluatorRun {
  std::string id;
  int version = 0;
  std::map<std::string, bool> pass_by_trace;  // scored traces only (errors left out)
  uint64_t errors = 0;
};

struct RunOutput {
  std::filesystem::path dir;
  nlohmann::ordered_json scorecard;      // null when the folder has no scorecard.json
  std::vector<EvaluatorRun> evaluators;  // in the order of their first row

  const EvaluatorRun* Find(const std::string& id) const;
};

// Reads DIR/scores.jsonl (required) and DIR/scorecard.json (optional). A missing folder or
// scores.jsonl is NotFound; a malformed row is Corruption naming file and line.
Result<RunOutput> LoadRunOutput(const std::filesystem::path& dir);

}  // namespace arbiter
