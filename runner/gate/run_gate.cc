#include "runner/gate/run_gate.h"

#include <map>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "runner/base/atomic_file.h"
#include "runner/gate/gate_report.h"
#include "runner/gate/report_html.h"
#include "runner/gate/roles.h"
#include "runner/labels/label_store.h"
#include "runner/scoring/run_output.h"

namespace arbiter {
namespace {

Result<GateRun> Gate(const RunGateOptions& options) {
  namespace fs = std::filesystem;
  Result<RunOutput> baseline = LoadRunOutput(options.baseline);
  if (!baseline.ok()) {
    return Status::InvalidArgument("--baseline: " + baseline.status().message());
  }
  Result<RunOutput> candidate = LoadRunOutput(options.candidate);
  if (!candidate.ok()) {
    return Status::InvalidArgument("--candidate: " + candidate.status().message());
  }
  auto roles = options.calibration.empty() ? RolesFromHistory(options.history, *candidate)
                                           : RolesFromFile(options.calibration, *candidate);
  if (!roles.ok()) return Status::InvalidArgument(roles.status().message());

  GateRun run;
  run.result = ComputeGate(*baseline, *candidate, *roles, options.gate);
  ARBITER_RETURN_IF_ERROR(FillRegressedReasons(*baseline, *candidate, run.result));
  run.markdown = GateMarkdown(run.result);
  std::string timestamp = options.timestamp;
  if (timestamp.empty()) {
    timestamp = UtcNow();
    timestamp.pop_back();  // the JUnit timestamp carries no zone
  }

  std::error_code ec;
  fs::create_directories(options.out, ec);
  if (ec) {
    return Status::IoError(options.out.string() + ": cannot create output folder: " + ec.message());
  }
  for (auto [name, contents] :
       {std::pair<const char*, std::string>{"gate.json", GateJson(run.result).dump(2) + "\n"},
        std::pair<const char*, std::string>{"gate.md", run.markdown},
        std::pair<const char*, std::string>{"junit.xml", GateJunit(run.result, timestamp)},
        std::pair<const char*, std::string>{"report.html",
                                            GateHtml(run.result, *baseline, *candidate)}}) {
    ARBITER_RETURN_IF_ERROR(WriteFileAtomic(options.out / name, contents));
  }
  return run;
}

}  // namespace

Result<GateRun> RunGate(const RunGateOptions& options) {
  // Calibration files may be written by hand: a value of the wrong type makes nlohmann::json
  // throw while the reports read it. That is bad input, not a crash.
  try {
    return Gate(options);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(
        std::string("unexpected value in the calibration or a run's scorecard: ") + e.what());
  }
}

}  // namespace arbiter
