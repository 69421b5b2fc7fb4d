#include "runner/calibration/calibrate.h"

#include <map>
#include <set>
#include <string_view>
#include <system_error>

#include <simdjson.h>

#include "runner/base/atomic_file.h"
#include "runner/scoring/run_pipeline.h"
#include "runner/scoring/score_rows.h"
#include "runner/source/trace_source.h"

namespace arbiter {
namespace {

// evaluator id -> trace id -> row, for the labeled traces only.
using RowsByEvaluator = std::map<std::string, std::map<std::string, ScoreRow>>;

// A failure of the run rather than of its inputs, whatever the code it came with: the command's
// exit code tells the two apart by InvalidArgument alone.
Status RuntimeError(const Status& status) {
  return status.code() == Status::Code::kInvalidArgument ? Status::Internal(status.message())
                                                         : status;
}

// Scores the labeled traces by running the suite over the trace files; the broken ones are
// skipped and listed in `broken`.
Status ScoreTraces(const Suite& suite, const CalibrateOptions& options,
                   const std::set<std::string>& labeled, RowsByEvaluator& rows,
                   std::vector<std::string>& broken) {
  PipelineOptions pipeline;
  pipeline.threads = ResolveThreads(options.threads);
  for (const LoadedEvaluator& evaluator : suite.evaluators) {
    ARBITER_RETURN_IF_ERROR(evaluator.evaluator->PrepareWorkers(pipeline.threads));
  }
  simdjson::dom::parser parser;
  PipelineCallbacks callbacks;
  callbacks.batch = [&](ScoredBatch& batch) -> Status {
    for (const TraceResult& trace : batch.traces) {
      if (trace.error.empty()) continue;
      broken.push_back(options.traces[batch.input] + ":" + std::to_string(trace.line) + ": " +
                       trace.error);
    }
    size_t start = 0;
    ScoreRow row;
    while (start < batch.rows.size()) {
      size_t end = batch.rows.find('\n', start);
      if (end == std::string::npos) end = batch.rows.size();
      std::string_view line(batch.rows.data() + start, end - start);
      start = end + 1;
      if (line.empty()) continue;
      std::string error = ParseScoreRow(line, parser, row);
      if (!error.empty()) return Status::Internal("score row: " + error);
      if (labeled.count(row.trace_id)) rows[row.evaluator][row.trace_id] = row;
    }
    return Status::OK();
  };
  return RunPipeline(suite, options.traces, pipeline, callbacks);
}

// Reads the labeled traces' rows from a run's scores.jsonl, which must come from the suite's
// evaluator versions.
Status ReadScores(const Suite& suite, const std::string& path, const std::set<std::string>& labeled,
                  RowsByEvaluator& rows) {
  std::map<std::string, int> declared;
  for (const LoadedEvaluator& e : suite.evaluators) declared[e.spec.id] = e.spec.version;
  std::string stale;
  Status read = ReadScoreRows(path, [&](ScoreRow& row) {
    auto it = declared.find(row.evaluator);
    if (it != declared.end() && it->second != row.version && stale.empty()) {
      stale = path + ": scored by " + row.evaluator + " v" + std::to_string(row.version) +
              " but the suite declares v" + std::to_string(it->second) + "; run the suite again";
    }
    if (labeled.count(row.trace_id)) rows[row.evaluator][row.trace_id] = row;
  });
  if (!read.ok()) return Status::InvalidArgument(read.message());
  if (!stale.empty()) return Status::InvalidArgument(stale);
  return Status::OK();
}

}  // namespace

bool CalibrationRun::measured_nothing() const {
  for (const EvaluatorCalibration& c : evaluators) {
    if (c.labels > 0) return false;
  }
  return true;
}

nlohmann::ordered_json CalibrationJson(const CalibrationRun& run) {
  nlohmann::ordered_json calibration;
  calibration["label_set"] = run.label_set;
  calibration["label_set_sha256"] = run.label_set_sha256;
  calibration["evaluators"] = nlohmann::ordered_json::array();
  for (const EvaluatorCalibration& c : run.evaluators) {
    calibration["evaluators"].push_back(CalibrationEntryJson(c));
  }
  return calibration;
}

Result<CalibrationRun> Calibrate(const Suite& suite, const CalibrateOptions& options) {
  namespace fs = std::filesystem;
  Result<LabelSetRef> ref = ParseLabelSetRef(options.labels);
  if (!ref.ok()) return Status::InvalidArgument(ref.status().message());
  LabelStore store(options.labels_root);
  Result<LabelSet> labels = store.Load(*ref);
  if (!labels.ok()) return Status::InvalidArgument(labels.status().message());
  std::map<std::string, ConsensusSet> consensus = BuildConsensus(labels->labels);

  std::set<std::string> labeled;
  for (const Label& label : labels->labels) labeled.insert(label.trace_id);
  CalibrationRun run;
  RowsByEvaluator rows;
  if (!options.scores.empty()) {
    ARBITER_RETURN_IF_ERROR(ReadScores(suite, options.scores, labeled, rows));
  } else {
    ARBITER_RETURN_IF_ERROR(CheckTraceFiles(options.traces));
    Status scored = ScoreTraces(suite, options, labeled, rows, run.broken_traces);
    if (!scored.ok()) return RuntimeError(scored);
  }

  CalibrationOptions calibration;
  calibration.policy = suite.gate;
  calibration.bootstrap.seed = options.seed;
  run.label_set = ref->ToString();
  run.label_set_sha256 = labels->sha256;
  static const std::map<std::string, ScoreRow> kNoRows;
  for (const LoadedEvaluator& e : suite.evaluators) {
    auto mode = consensus.find(e.spec.failure_mode);
    if (mode == consensus.end()) {
      run.notes.unlabeled.push_back(e.spec.id);
      continue;
    }
    auto evaluator_rows = rows.find(e.spec.id);
    run.evaluators.push_back(CalibrateEvaluator(
        e.spec, mode->second, evaluator_rows == rows.end() ? kNoRows : evaluator_rows->second,
        calibration));
    run.evaluators.back().fingerprint = e.fingerprint;
    size_t labeled_traces = mode->second.labels.size();
    size_t compared = run.evaluators.back().labels;
    if (compared < labeled_traces) {
      run.notes.lines.push_back("- " + e.spec.id + ": " +
                                std::to_string(labeled_traces - compared) +
                                " labeled traces have no score (not in the traces, an error row, "
                                "or `when` did not hold) and are left out.");
    }
    if (!mode->second.contested.empty()) {
      run.notes.lines.push_back("- " + e.spec.id + ": " +
                                std::to_string(mode->second.contested.size()) +
                                " traces where reviewers split evenly are left out (first: " +
                                mode->second.contested.front() + ").");
    }
  }

  if (!run.broken_traces.empty()) {
    run.notes.lines.push_back("- " + std::to_string(run.broken_traces.size()) +
                              " broken traces were skipped (first: " + run.broken_traces.front() +
                              ").");
  }

  // calibration.json is written here and only here; the report and the history store read
  // the same document.
  nlohmann::ordered_json json = CalibrationJson(run);
  std::error_code ec;
  fs::create_directories(options.out, ec);
  if (ec) {
    return Status::IoError(options.out.string() + ": cannot create output folder: " + ec.message());
  }
  Status written = WriteFileAtomic(options.out / "calibration.json", json.dump(2) + "\n");
  if (written.ok()) {
    written = WriteFileAtomic(options.out / "calibration.md", CalibrationMarkdown(json, run.notes));
  }
  if (!written.ok()) return RuntimeError(written);

  if (!options.no_history) {
    auto history = HistoryStore::Open(options.history, /*create=*/true);
    if (!history.ok()) return RuntimeError(history.status());
    std::string now = UtcNow();
    for (size_t i = 0; i < run.evaluators.size(); ++i) {
      const EvaluatorCalibration& c = run.evaluators[i];
      CalibrationRecord record;
      record.evaluator = c.id;
      record.evaluator_version = c.version;
      record.failure_mode = c.failure_mode;
      record.label_set = run.label_set;
      record.label_set_sha256 = run.label_set_sha256;
      record.calibrated_at = now;
      record.labels = static_cast<int>(c.labels);
      record.mcc = c.mcc;
      record.spearman = c.spearman;
      record.role = c.role;
      record.figures = json["evaluators"][i];
      Status recorded = (*history)->Record(record);
      if (!recorded.ok()) return RuntimeError(recorded);
    }
  }
  return run;
}

}  // namespace arbiter
