// Where the gate finds each evaluator's role: a calibration.json named on the command line, or
// the history store that `arbiter calibrate` records into. A role holds only for the evaluator
// version that was calibrated; an entry for another version is stale and leaves the evaluator
// uncalibrated, with a note saying why.
#pragma once

#include <map>
#include <string>

#include "runner/base/status.h"
#include "runner/gate/gate.h"
#include "runner/scoring/run_output.h"

namespace arbiter {

// Roles from the calibration.json at `path`, for the evaluators of `candidate`. A file that is
// not a calibration.json, or names a role that does not exist, is InvalidArgument.
Result<std::map<std::string, EvaluatorRole>> RolesFromFile(const std::string& path,
                                                           const RunOutput& candidate);

// Roles from the history store at `path`: the latest calibration of each evaluator's id and
// version. A store that does not exist yet gives no roles (nothing was calibrated).
Result<std::map<std::string, EvaluatorRole>> RolesFromHistory(const std::string& path,
                                                              const RunOutput& candidate);

}  // namespace arbiter
