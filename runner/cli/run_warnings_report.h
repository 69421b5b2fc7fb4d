// A run's warnings (runner/scoring/run_warnings.h) on the terminal, the same for `run` and
// `validate --traces`: one stderr line each, and under --strict exit 3 (SPEC "Commands": warnings
// under --strict are a runtime failure), so CI stops on a run that judged nothing useful.
#pragma once

#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "runner/scoring/run_warnings.h"

namespace arbiter {

// `--max-error-rate R`: the error share of an evaluator above which the run warns.
void AddMaxErrorRateOption(CLI::App& app, double& max_error_rate);

// Prints "arbiter COMMAND: warning: MESSAGE" for each warning; returns kExitRuntime when
// `strict` and there is any (after saying so), else kExitOk.
int ReportWarnings(std::string_view command, const std::vector<RunWarning>& warnings, bool strict);

}  // namespace arbiter
