// The loop commands that transform traces share: every record of every input, with unreadable
// records reported as "file:line: reason; skipped" and counted rather than ending the run.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/status.h"
#include "runner/source/trace_source.h"

namespace arbiter {

// The one message every command (`run`, `sample`, `triage`, `redact`) gives for a record it
// skips: "FILE:LINE: REASON; skipped", without a newline.
std::string SkipMessage(std::string_view input, uint64_t line, std::string_view reason);

// Returns the reason to skip the record ("" to keep it), or an error that ends the loop.
using RecordHandler = std::function<Result<std::string>(const TraceRecord& record)>;

// Runs `handler` on every record of `inputs` (JSONL or OTLP/JSON, .gz, "-"). An input that
// cannot be opened or read, or a handler error, is returned. These commands report no input
// hash, so none is computed.
Status ForEachTraceRecord(const std::vector<std::string>& inputs, std::FILE* diagnostics,
                          uint64_t& skipped, const RecordHandler& handler);

// The same, telling the handler which input (an index into `inputs`) the record comes from,
// with the inputs opened with `options`.
using InputRecordHandler =
    std::function<Result<std::string>(size_t input, const TraceRecord& record)>;
Status ForEachTraceRecord(const std::vector<std::string>& inputs, std::FILE* diagnostics,
                          uint64_t& skipped, const InputRecordHandler& handler,
                          const SourceOptions& options = SourceOptions{});

}  // namespace arbiter
