// Scores one trace with every evaluator of a suite: parse, type-check, apply `when`, call the
// plugin, check its result, apply the pass threshold, and write the score rows (score_rows.h
// owns their format). Runs on worker threads; const and thread-safe given one parser per worker.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "runner/suite/suite.h"
#include "runner/trace/sample_mark.h"

namespace arbiter {

// What one evaluator did with one trace.
struct EvaluatorOutcome {
  enum class Kind : uint8_t { kSkipped, kError, kScored };  // kSkipped: `when` did not hold
  Kind kind = Kind::kSkipped;
  bool pass = false;
  double score = 0.0;
  std::string error;   // kError: why (the row's `error`), for the run's warnings
  std::string reason;  // kScored and failing: the row's `reason`, for the run's reports
};

// A row whose score is still being computed (Score::pending): where it goes in the batch's rows.
struct PendingRow {
  size_t evaluator = 0;  // index in the suite
  size_t offset = 0;     // byte offset in the batch's rows where the row is inserted
  std::shared_ptr<PendingScore> score;
};

// One trace's results, compact, for aggregation (scorecards, calibration, gates).
struct TraceResult {
  uint64_t line = 0;  // where the trace starts in its input
  std::string error;  // non-empty: the trace is broken and was skipped (no outcomes)
  std::string trace_id;
  std::vector<EvaluatorOutcome> outcomes;  // one per suite evaluator, in suite order
  std::vector<std::string> strata;  // one value per suite stratum (kMissingStratum if absent)
  std::vector<PendingRow> pending;  // outcomes still being computed, in suite order
  SampleMark sample;                // the trace's `_sample`, when it came from `arbiter sample`
};

inline constexpr std::string_view kMissingStratum = "(missing)";

// JSON text followed by at least simdjson::SIMDJSON_PADDING readable bytes, so it parses in
// place without a copy.
struct PaddedJson {
  const char* data;
  size_t size;
};

class TraceScorer {
 public:
  explicit TraceScorer(const Suite& suite);

  // Scores the trace in `json`, appending one row per judged evaluator to `rows`. A trace that
  // does not parse or has a wrong type sets `result.error` and writes no row.
  void Score(std::string_view json, int worker, simdjson::dom::parser& parser, std::string& rows,
             TraceResult& result) const;
  void Score(PaddedJson json, int worker, simdjson::dom::parser& parser, std::string& rows,
             TraceResult& result) const;

 private:
  void ScoreParsed(simdjson::simdjson_result<simdjson::dom::element> parsed, std::string_view json,
                   int worker, std::string& rows, TraceResult& result) const;

  const Suite& suite_;
  std::vector<std::string> row_labels_;  // ScoreRowLabel (score_rows.h) of each evaluator
};

// Waits for every pending score of a batch (in order), fills in their outcomes and inserts their
// rows into `rows` at their places. Called by the thread that consumes batches in input order.
// `resolved`, when set, hears after each trace that waited how many of the batch's traces are
// done, so that a progress display moves while a batch waits for a slow judge.
void ResolvePendingScores(const Suite& suite, std::string& rows, std::vector<TraceResult>& traces,
                          const std::function<void(size_t done)>& resolved = {});

}  // namespace arbiter
