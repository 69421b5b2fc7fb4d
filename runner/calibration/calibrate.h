// `arbiter calibrate` as one library call: a suite's evaluators compared with a label set (their
// scores from running the suite on trace files, or read from a run's scores.jsonl), written to
// calibration.json and calibration.md and recorded in the history store. The command keeps the
// flags, the suite and the terminal; tests call the same function.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runner/base/status.h"
#include "runner/calibration/calibration.h"
#include "runner/calibration/calibration_report.h"
#include "runner/calibration/history_store.h"
#include "runner/labels/label_store.h"
#include "runner/suite/suite.h"

namespace arbiter {

struct CalibrateOptions {
  std::string labels;  // the label set, NAME@vN
  std::string labels_root = kDefaultLabelRoot;
  // The scores: a run's scores.jsonl when set, else the suite run over `traces`.
  std::string scores;
  std::vector<std::string> traces;
  int threads = 0;                            // workers scoring `traces`; 0: the core count
  std::filesystem::path out;                  // folder for calibration.json and calibration.md
  std::string history = kDefaultHistoryPath;  // the history store to record into
  bool no_history = false;                    // record nothing
  uint64_t seed = BootstrapOptions().seed;    // of the bootstrap intervals
};

struct CalibrationRun {
  std::string label_set;  // NAME@vN
  std::string label_set_sha256;
  std::vector<EvaluatorCalibration> evaluators;  // those whose failure mode has labels
  CalibrationNotes notes;                        // the unlabeled ones, what was left out
  // With --traces: the broken traces, skipped as `run` skips them ("FILE:LINE: reason").
  std::vector<std::string> broken_traces;
  // True when no evaluator was compared with a single label: nothing was measured.
  bool measured_nothing() const;
};

// Calibrates `suite` and writes the outputs. A problem the user must fix (the label set, the
// scores file, a trace file that does not exist) is InvalidArgument; a failure to score, write
// or record is any other code.
Result<CalibrationRun> Calibrate(const Suite& suite, const CalibrateOptions& options);

// calibration.json (SPEC keys and order).
nlohmann::ordered_json CalibrationJson(const CalibrationRun& run);

}  // namespace arbiter
