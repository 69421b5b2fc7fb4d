#include "runner/scoring/score_failures.h"

#include "runner/scoring/score_rows.h"

namespace arbiter {

Result<TraceIdSet> LoadScoreFailures(const std::string& path, const std::string& evaluator,
                                     double below) {
  TraceIdSet failing;
  uint64_t rows = 0;
  Status read = ReadScoreRows(
      path,
      [&](ScoreRow& row) {
        if (row.evaluator != evaluator) return;
        ++rows;
        // An error row, or one without a score, is not a failure.
        if (row.score && *row.score < below) failing.emplace(std::move(row.trace_id));
      },
      ScoreRowFields::kScore);
  if (!read.ok()) return Status::InvalidArgument(read.message());
  if (rows == 0) {
    return Status::InvalidArgument(path + ": no score rows for evaluator '" + evaluator + "'");
  }
  return failing;
}

}  // namespace arbiter
