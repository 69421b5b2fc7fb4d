// Our JSONL trace format (SPEC "Trace format"): one trace per line, passed on as text. Parsing
// and type checks happen on the workers (trace_validator.h); this source only splits lines.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "runner/base/line_reader.h"
#include "runner/source/trace_source.h"

namespace arbiter {

// Blank lines are skipped; an oversized line becomes an error record.
std::unique_ptr<TraceSource> MakeJsonlSource(std::unique_ptr<LineReader> reader);

// What every JSONL source (this one and block_jsonl_source.h) says of a line: blank (nothing but
// spaces, tabs and carriage returns: skipped), or over the limit (its error record).
bool IsBlankLine(std::string_view text);
std::string OversizedLineError(size_t length, size_t max_line_bytes);

}  // namespace arbiter
