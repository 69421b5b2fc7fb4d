// Spans that arrive for a trace after it completed, within the late window (live_assembler.h),
// amend it. The spool holds each completed trace already mapped, so an amendment is taken in when
// the trace's window is written (`late` after the window's end, so every amendment it can get has
// arrived): the trace's spans, the amending ones included, are collected from the journal (which
// keeps every span of a window until the window is written), mapped again, and the mapped line it
// was spooled with is replaced by the new one, in place. The line to replace is found by content
// (the mapping of the spans the trace completed with), so a client that reuses a trace id within
// one window gets each of its traces amended as itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "runner/base/status.h"
#include "runner/source/otlp/mapping_options.h"
#include "runner/source/otlp/span.h"

namespace arbiter {

struct AmendedTrace {
  uint32_t spans_at_completion = 0;  // the spans it was spooled with, first in arrival order
  uint64_t last_recv_ms = 0;         // when its latest amending span arrived
  std::vector<OtlpSpan> spans;       // every span of it, collected from the journal
};

// By (trace id, when the trace's first span arrived).
using Amendments = std::map<std::pair<std::string, uint64_t>, AmendedTrace>;

// Adds each span of `spans` (a journal record received at `recv_ms`) that belongs to an amended
// trace to that trace's spans.
void CollectAmendedSpans(const std::vector<OtlpSpan>& spans, uint64_t recv_ms,
                         Amendments& amendments);

struct AmendCounts {
  uint64_t amended = 0;     // lines replaced, or added where the trace had none
  uint64_t unmappable = 0;  // amended traces that mapped when they completed and no longer do
};

// Copies `spool` to `amended_spool` with the amended traces' lines replaced.
Result<AmendCounts> AmendSpool(const std::filesystem::path& spool,
                               const std::filesystem::path& amended_spool, Amendments& amendments,
                               const OtlpMappingOptions& otlp);

}  // namespace arbiter
