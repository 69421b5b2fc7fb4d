// `arbiter triage` without the command line. Two reads of the inputs:
//   1. every record is parsed once (simdjson DOM) into a compact record in a TriageQueue;
//      standard input, which cannot be read twice, is spooled to a temporary file meanwhile;
//   2. once the queue is ranked, the inputs are read again and only the queued records are
//      parsed, given `_triage` and (by default) redacted, then written in rank order.
// Sources yield records in a deterministic order (OTLP assembly included), so a record's
// position in its input finds it again.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "runner/base/atomic_file.h"
#include "runner/base/status.h"
#include "runner/redact/redactor.h"
#include "runner/triage/options.h"

namespace arbiter {

struct TriageSummary {
  uint64_t traces = 0;   // read and scored
  uint64_t skipped = 0;  // unreadable records, reported as "file:line: reason; skipped"
  uint64_t queued = 0;   // written
  std::array<uint64_t, kTriageSignalCount> fired{};         // traces per signal, all
  std::array<uint64_t, kTriageSignalCount> fired_queued{};  // and queued
  RedactionCounts redactions;  // placeholders written (a comment quoted in a reason counts too)
};

// Writes the queue to `out`, one JSON line per trace, best first. `redactor` null: no redaction.
Result<TriageSummary> TriageTraces(const std::vector<std::string>& inputs,
                                   const TriageOptions& options, const Redactor* redactor,
                                   AtomicFile& out, std::FILE* diagnostics);

}  // namespace arbiter
