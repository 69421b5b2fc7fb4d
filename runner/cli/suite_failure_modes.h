// The failure modes a suite's evaluators declare, for labeling (`annotate`, `labels import`):
// each with the first declaring evaluator's description, the ids declaring it, and a judge's
// rubric text and graded scale.
#pragma once

#include <string>
#include <vector>

#include "runner/annotate/session.h"
#include "runner/base/status.h"

namespace arbiter {

// Loads the suite at `path` (with the built-in plugins); a bad suite is its error.
Result<std::vector<FailureModeInfo>> SuiteFailureModes(const std::string& path);

}  // namespace arbiter
