#include "runner/scoring/score_failures.h"

#include <simdjson.h>

#include "runner/base/line_reader.h"

namespace arbiter {

Result<TraceIdSet> LoadScoreFailures(const std::string& path, const std::string& evaluator,
                                     double below) {
  auto reader = LineReader::Open(path);
  if (!reader.ok()) return Status::InvalidArgument(reader.status().message());
  TraceIdSet failing;
  uint64_t rows = 0;
  simdjson::dom::parser parser;
  Line line;
  while ((*reader)->Next(line)) {
    auto where = [&] { return path + ":" + std::to_string(line.number) + ": "; };
    if (line.oversized) return Status::InvalidArgument(where() + "line too long for a score row");
    if (line.text.empty()) continue;
    simdjson::dom::object row;
    if (parser.parse(line.text.data(), line.text.size()).get(row)) {
      return Status::InvalidArgument(where() + "not a JSON object (a scores.jsonl row)");
    }
    std::string_view name, trace_id;
    if (row["evaluator"].get(name) || row["trace_id"].get(trace_id)) {
      return Status::InvalidArgument(where() + "a score row needs string trace_id and evaluator");
    }
    if (name != evaluator) continue;
    ++rows;
    simdjson::dom::element score;
    if (row["score"].get(score) || score.is_null()) continue;  // an error row: not a failure
    double value = 0;
    if (score.get(value)) return Status::InvalidArgument(where() + "score is not a number");
    if (value < below) failing.emplace(trace_id);
  }
  ARBITER_RETURN_IF_ERROR((*reader)->status());
  if (rows == 0) {
    return Status::InvalidArgument(path + ": no score rows for evaluator '" + evaluator + "'");
  }
  return failing;
}

}  // namespace arbiter
