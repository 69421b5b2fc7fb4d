// The gate's reports for people and CI: gate.md (a pull-request comment or a step summary, short
// enough to read in a minute) and junit.xml (one test case per evaluator, which CI test tabs
// show: a blocking evaluator is a failure, signal and untrusted ones are skipped with a reason).
#pragma once

#include <string>

#include "runner/base/html.h"
#include "runner/gate/gate.h"

namespace arbiter {

std::string GateMarkdown(const GateResult& result);

// `timestamp`: ISO 8601 without a zone (the Ant JUnit format's pattern).
std::string GateJunit(const GateResult& result, const std::string& timestamp);

}  // namespace arbiter
