// `arbiter gate` as one library call: two runs' output folders compared, the roles read from a
// calibration.json or the history store, and the reports written (gate.json, gate.md, junit.xml,
// report.html). The command keeps the flags, the suite (for its tolerance), the terminal and
// $GITHUB_STEP_SUMMARY; tests call the same function.
#pragma once

#include <filesystem>
#include <string>

#include "runner/base/status.h"
#include "runner/calibration/history_store.h"
#include "runner/gate/gate.h"

namespace arbiter {

struct RunGateOptions {
  std::filesystem::path baseline;   // --baseline: a run's output folder
  std::filesystem::path candidate;  // --candidate: a run's output folder
  std::filesystem::path out;        // folder for the reports, created when missing
  // A calibration.json giving the roles; empty: the history store at `history`.
  std::string calibration;
  std::string history = kDefaultHistoryPath;
  GateOptions gate;
  // The JUnit timestamp (ISO 8601, no zone); empty: now.
  std::string timestamp;
};

struct GateRun {
  GateResult result;
  std::string markdown;  // gate.md, as written
};

// Compares the runs and writes the reports. A problem with an input (a folder that is not a
// run's output, a bad calibration file, a value of the wrong type in either) is
// InvalidArgument, naming the input by its flag; a report that cannot be written is an IoError.
Result<GateRun> RunGate(const RunGateOptions& options);

}  // namespace arbiter
