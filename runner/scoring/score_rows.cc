#include "runner/scoring/score_rows.h"

#include "runner/base/json_util.h"
#include "runner/base/line_reader.h"

namespace arbiter {

std::string ScoreRowLabel(std::string_view evaluator, int version) {
  std::string label = ", \"evaluator\": ";
  AppendJsonString(label, evaluator);
  label += ", \"version\": ";
  label += std::to_string(version);
  return label;
}

void AppendScoreRow(std::string& out, std::string_view trace_id, std::string_view label,
                    double score, bool pass, std::string_view reason) {
  out += "{\"trace_id\": ";
  AppendJsonString(out, trace_id);
  out += label;
  out += ", \"score\": ";
  AppendJsonNumber(out, score);
  out += pass ? ", \"pass\": true, \"reason\": " : ", \"pass\": false, \"reason\": ";
  AppendJsonString(out, reason);
  out += ", \"error\": null}\n";
}

void AppendErrorRow(std::string& out, std::string_view trace_id, std::string_view label,
                    std::string_view error) {
  out += "{\"trace_id\": ";
  AppendJsonString(out, trace_id);
  out += label;
  out += ", \"score\": null, \"pass\": null, \"reason\": null, \"error\": ";
  AppendJsonString(out, error);
  out += "}\n";
}

std::string ParseScoreRow(std::string_view line, simdjson::dom::parser& parser, ScoreRow& row,
                          ScoreRowFields fields) {
  const bool all = fields == ScoreRowFields::kAll;
  simdjson::dom::element root;
  if (parser.parse(line.data(), line.size()).get(root)) return "not JSON";
  std::string_view text;
  if (root["trace_id"].get_string().get(text)) return "no trace_id";
  row.trace_id = std::string(text);
  if (root["evaluator"].get_string().get(text)) return "no evaluator";
  row.evaluator = std::string(text);
  int64_t version = 0;
  if (root["version"].get_int64().get(version)) {
    if (all) return "no version";
    version = 0;
  }
  row.version = static_cast<int>(version);
  row.score.reset();
  row.pass.reset();
  row.reason.clear();
  row.error.clear();
  simdjson::dom::element value;
  if (!root["error"].get(value) && !value.is_null()) {
    row.error = ElementText(value);
    if (row.error.empty()) row.error = "error";
    return "";
  }
  double score = 0;
  bool pass = false;
  if (!all && (root["score"].get(value) || value.is_null())) return "";  // no score
  if (root["score"].get_double().get(score)) return "no score";
  row.score = score;
  if (!root["pass"].get_bool().get(pass)) {
    row.pass = pass;
  } else if (all) {
    row.score.reset();
    return "no pass";
  }
  if (!root["reason"].get(value)) row.reason = ElementText(value);
  return "";
}

Status ReadScoreRows(const std::string& path, const std::function<void(ScoreRow&)>& each,
                     ScoreRowFields fields) {
  ARBITER_ASSIGN_OR_RETURN(std::unique_ptr<LineReader> reader, LineReader::Open(path));
  simdjson::dom::parser parser;
  ScoreRow row;
  Line line;
  while (reader->Next(line)) {
    if (line.oversized) {
      return Status::Corruption(path + ":" + std::to_string(line.number) + ": line too long");
    }
    if (line.text.find_first_not_of(" \t") == std::string_view::npos) continue;
    std::string error = ParseScoreRow(line.text, parser, row, fields);
    if (!error.empty()) {
      return Status::Corruption(path + ":" + std::to_string(line.number) + ": " + error +
                                " (expected a scores.jsonl row)");
    }
    each(row);
  }
  return reader->status();
}

}  // namespace arbiter
