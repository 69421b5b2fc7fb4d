#include "runner/scoring/score_failures.h"

#include <filesystem>

#include "runner/scoring/score_rows.h"

namespace arbiter {

Result<TraceIdSet> LoadScoreFailures(const std::string& path, const std::string& evaluator,
                                     double below) {
  // A device (/dev/zero) would be read without end: scores come from a file `run` wrote.
  std::error_code error;
  if (std::filesystem::exists(path, error) && !std::filesystem::is_regular_file(path, error)) {
    return Status::InvalidArgument(path + ": not a regular file (a device, FIFO or folder)");
  }
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
