// report.html: the gate for a release manager, in one self-contained file that works offline
// (inline CSS, JS and SVG; a Content-Security-Policy forbids fetching anything). Per evaluator:
// pass rates with 95% whiskers for baseline and candidate, role badges and verdicts; a heat map
// of the pass-rate change per stratum; calibration confusion matrices and the traces where each
// evaluator disagrees with the humans.
#pragma once

#include <string>

#include "runner/gate/gate.h"
#include "runner/scoring/run_output.h"

namespace arbiter {

std::string GateHtml(const GateResult& result, const RunOutput& baseline,
                     const RunOutput& candidate);

}  // namespace arbiter
