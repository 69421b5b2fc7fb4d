// A failure signal for sampling taken from an earlier run: the traces an evaluator scored below
// a threshold in that run's scores.jsonl (SPEC "scores.jsonl").
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "runner/base/hash.h"
#include "runner/base/status.h"

namespace arbiter {

// A set of trace ids that string_views can look up without building a string per trace.
using TraceIdSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// The trace ids whose row for `evaluator` in the scores file `path` has a score below `below`,
// read by ReadScoreRows (score_rows.h) needing only trace_id, evaluator and score. Error rows
// (score null) are not failures. A line that is not a score row, or a file with no row at all
// for `evaluator` (a typo, or the wrong run), is an InvalidArgument naming the file (and line):
// a failure signal that silently matched nothing would skew the whole sample.
Result<TraceIdSet> LoadScoreFailures(const std::string& path, const std::string& evaluator,
                                     double below);

}  // namespace arbiter
