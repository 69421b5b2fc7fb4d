// Our JSONL trace format (SPEC "Trace format"): one trace per line, passed on as text. Parsing
// and type checks happen on the workers (trace_validator.h); this source only splits lines.
#pragma once

#include <memory>

#include "runner/base/line_reader.h"
#include "runner/source/trace_source.h"

namespace arbiter {

// Blank lines are skipped; an oversized line becomes an error record.
std::unique_ptr<TraceSource> MakeJsonlSource(std::unique_ptr<LineReader> reader);

}  // namespace arbiter
