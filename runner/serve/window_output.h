// What `arbiter serve` writes when a window closes, from the window's spool (the mapped traces,
// one JSON line each, in completion order):
//   OUT/samples/NAME.jsonl       the sampling policy's sample over the window, `_sample` on each
//   OUT/samples/NAME.partial.jsonl  the same draw as a partial sample (docs/FORMATS.md), which
//                                `arbiter sample --merge` merges across instances
//   OUT/samples/NAME.plan.json   the window (start, end, partial), counts and the plan followed
//   OUT/triage/NAME.jsonl        the top K of the triage signals, redacted
// each written atomically. NAME is the window's start in UTC (WindowName). Running it twice on
// the same spool writes the same files: a restart that closes a window again is harmless.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "runner/base/status.h"
#include "runner/redact/redactor.h"
#include "runner/sampling/policy.h"
#include "runner/triage/options.h"

namespace arbiter {

struct WindowSpan {
  uint64_t start_ms = 0;
  uint64_t end_ms = 0;
  bool partial = false;  // closed early (shutdown): `end_ms` is when
};

// "2026-12-04T14" for a window that starts on the hour, "2026-12-04T14:05" on the minute,
// "2026-12-04T14:05:07" on the second, with ".250" milliseconds otherwise.
std::string WindowName(uint64_t start_ms);

// RFC 3339 UTC with milliseconds when not whole seconds: "2026-12-04T14:05:07Z".
std::string UtcTime(uint64_t ms);

struct WindowSettings {
  const SamplePolicy* policy = nullptr;
  const TriageOptions* triage = nullptr;
  const Redactor* redactor = nullptr;  // null: no redaction
  uint64_t seed = 1;
  std::filesystem::path focus_state;  // where focus rules keep what they collected
};

struct WindowSummary {
  uint64_t traces = 0;
  uint64_t sampled = 0;
  uint64_t queued = 0;
};

Result<WindowSummary> WriteWindowOutputs(const std::filesystem::path& out,
                                         const std::filesystem::path& spool,
                                         const WindowSpan& window, const WindowSettings& settings,
                                         std::FILE* log);

}  // namespace arbiter
