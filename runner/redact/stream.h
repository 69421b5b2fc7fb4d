// `arbiter redact` without the command line: reads traces from files (JSONL or OTLP, .gz, "-"),
// redacts every string in them and appends one JSON line per trace to the output.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "runner/base/atomic_file.h"
#include "runner/base/status.h"
#include "runner/redact/redactor.h"

namespace arbiter {

struct RedactSummary {
  uint64_t traces = 0;   // written
  uint64_t skipped = 0;  // unreadable records, reported as "file:line: reason"
  RedactionCounts counts;
};

// Problems with single records go to `diagnostics` and the record is skipped; an input that
// cannot be opened or read is the returned error.
Result<RedactSummary> RedactTraces(const std::vector<std::string>& inputs, const Redactor& redactor,
                                   AtomicFile& out, std::FILE* diagnostics);

}  // namespace arbiter
