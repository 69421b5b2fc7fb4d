// What the progress display of `arbiter run` says, as pure functions of the figures, so that the
// wording and the fitting to a terminal's width are tested without a terminal (progress.h draws).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runner/plugin_api/live_calls.h"

namespace arbiter {

struct ProgressFigures {
  enum class Stage { kScoring, kWriting };
  Stage stage = Stage::kScoring;
  double seconds = 0;   // since scoring started
  uint64_t traces = 0;  // consumed: scored or skipped
  uint64_t bytes = 0;   // of the inputs behind those traces (compressed bytes for .gz)
  std::optional<uint64_t> total_bytes;  // the inputs' sizes, when all are known (not stdin)
  std::optional<LiveCalls> judge;       // the suite's judges together, when it has any
};

// The live line, at most `width - 1` characters (a line as wide as the terminal wraps on some,
// and a carriage return then redraws only its second half):
//   scoring  45% [#########...........] 12.3/27.4 MB  1671 traces  587 traces/s  ETA 4 s
//     judge: 16 in flight, 812 done, 3 retried, 2 rate-limited, 0 failed, $0.0123
// (one line: the judge part follows on the same line). Without a total: the bytes and the time
// so far instead of the share and the ETA. The bar is dropped first when the width is short,
// then the end of the line.
std::string FormatProgressLine(const ProgressFigures& figures, int width);

// The same figures once the run is over, in one line, whatever the width:
//   done: 27.4 MB, 1671 traces in 2.8 s (587 traces/s); judge: 812 done, 3 retried, ...
std::string FormatProgressSummary(const ProgressFigures& figures);

}  // namespace arbiter
