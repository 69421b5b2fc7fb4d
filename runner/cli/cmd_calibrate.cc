// `arbiter calibrate --suite S --traces FILE... --labels NAME@vN --out DIR`: every evaluator
// whose failure mode has labels is compared with them (scores from running the suite on the
// traces, or read from a run's scores.jsonl with --scores); writes calibration.json and
// calibration.md and records each calibration in the history store.
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "runner/base/atomic_file.h"
#include "runner/calibration/calibration.h"
#include "runner/calibration/calibration_report.h"
#include "runner/calibration/history_store.h"
#include "runner/cli/cli.h"
#include "runner/cli/suite_loader.h"
#include "runner/labels/label_store.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/scoring/run_pipeline.h"
#include "runner/scoring/score_rows.h"
#include "runner/suite/suite.h"

namespace arbiter {
namespace {

struct CalibrateFlags {
  std::string suite;
  std::vector<std::string> traces;
  std::string scores;
  std::string labels;
  std::string labels_root = kDefaultLabelRoot;
  std::string out;
  std::string history = kDefaultHistoryPath;
  bool no_history = false;
  int threads = 0;
  uint64_t seed = BootstrapOptions().seed;
};

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "arbiter calibrate: %s\n", message.c_str());
  return code;
}

// evaluator id -> trace id -> row, for the labeled traces only.
using RowsByEvaluator = std::map<std::string, std::map<std::string, ScoreRow>>;

// Scores the labeled traces by running the suite over the trace files.
Status ScoreTraces(const Suite& suite, const CalibrateFlags& flags,
                   const std::set<std::string>& labeled, RowsByEvaluator& rows) {
  PipelineOptions options;
  options.threads = ResolveThreads(flags.threads);
  for (const LoadedEvaluator& evaluator : suite.evaluators) {
    ARBITER_RETURN_IF_ERROR(evaluator.evaluator->PrepareWorkers(options.threads));
  }
  simdjson::dom::parser parser;
  PipelineCallbacks callbacks;
  callbacks.batch = [&](ScoredBatch& batch) -> Status {
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
  return RunPipeline(suite, flags.traces, options, callbacks);
}

int Calibrate(const CalibrateFlags& flags) {
  namespace fs = std::filesystem;
  if (flags.traces.empty() && flags.scores.empty()) {
    return Fail(kExitUsage, "give --traces (to score them) or --scores (a run's scores.jsonl)");
  }
  PluginRegistry registry;
  Result<Suite> suite = LoadSuiteWithPlugins(flags.suite, registry);
  if (!suite.ok()) return ReportSuiteError(suite.status());
  Result<LabelSetRef> ref = ParseLabelSetRef(flags.labels);
  if (!ref.ok()) return Fail(kExitUsage, ref.status().message());
  LabelStore store(flags.labels_root);
  Result<LabelSet> labels = store.Load(*ref);
  if (!labels.ok()) return Fail(kExitUsage, labels.status().message());
  std::map<std::string, ConsensusSet> consensus = BuildConsensus(labels->labels);

  std::set<std::string> labeled;
  for (const Label& label : labels->labels) labeled.insert(label.trace_id);
  RowsByEvaluator rows;
  if (!flags.scores.empty()) {
    std::map<std::string, int> declared;
    for (const LoadedEvaluator& e : suite->evaluators) declared[e.spec.id] = e.spec.version;
    std::string stale;
    Status read = ReadScoreRows(flags.scores, [&](ScoreRow& row) {
      auto it = declared.find(row.evaluator);
      if (it != declared.end() && it->second != row.version && stale.empty()) {
        stale = flags.scores + ": scored by " + row.evaluator + " v" + std::to_string(row.version) +
                " but the suite declares v" + std::to_string(it->second) + "; run the suite again";
      }
      if (labeled.count(row.trace_id)) rows[row.evaluator][row.trace_id] = row;
    });
    if (!read.ok()) return Fail(kExitUsage, read.message());
    if (!stale.empty()) return Fail(kExitUsage, stale);
  } else {
    for (const std::string& path : flags.traces) {
      if (path != "-" && !fs::is_regular_file(path)) {
        return Fail(kExitUsage, path + ": no such trace file");
      }
    }
    Status scored = ScoreTraces(*suite, flags, labeled, rows);
    if (!scored.ok()) return Fail(kExitRuntime, scored.message());
  }

  CalibrationOptions options;
  options.policy = suite->gate;
  options.bootstrap.seed = flags.seed;
  nlohmann::ordered_json calibration;
  calibration["label_set"] = ref->ToString();
  calibration["label_set_sha256"] = labels->sha256;
  calibration["evaluators"] = nlohmann::ordered_json::array();
  CalibrationNotes notes;
  static const std::map<std::string, ScoreRow> kNoRows;
  for (const LoadedEvaluator& e : suite->evaluators) {
    auto mode = consensus.find(e.spec.failure_mode);
    if (mode == consensus.end()) {
      notes.unlabeled.push_back(e.spec.id);
      continue;
    }
    auto evaluator_rows = rows.find(e.spec.id);
    calibration["evaluators"].push_back(CalibrateEvaluator(
        e.spec, mode->second, evaluator_rows == rows.end() ? kNoRows : evaluator_rows->second,
        options));
    size_t labeled_traces = mode->second.labels.size();
    size_t compared = calibration["evaluators"].back()["labels"].get<size_t>();
    if (compared < labeled_traces) {
      notes.lines.push_back("- " + e.spec.id + ": " + std::to_string(labeled_traces - compared) +
                            " labeled traces have no score (not in the traces, an error row, "
                            "or `when` did not hold) and are left out.");
    }
    if (!mode->second.contested.empty()) {
      notes.lines.push_back("- " + e.spec.id + ": " +
                            std::to_string(mode->second.contested.size()) +
                            " traces where reviewers split evenly are left out (first: " +
                            mode->second.contested.front() + ").");
    }
  }

  std::error_code ec;
  fs::create_directories(flags.out, ec);
  if (ec) return Fail(kExitRuntime, flags.out + ": cannot create output folder: " + ec.message());
  const fs::path out(flags.out);
  Status written = WriteFileAtomic(out / "calibration.json", calibration.dump(2) + "\n");
  if (written.ok())
    written = WriteFileAtomic(out / "calibration.md", CalibrationMarkdown(calibration, notes));
  if (!written.ok()) return Fail(kExitRuntime, written.message());

  if (!flags.no_history) {
    auto history = HistoryStore::Open(flags.history, /*create=*/true);
    if (!history.ok()) return Fail(kExitRuntime, history.status().message());
    std::string now = UtcNow();
    for (const auto& entry : calibration["evaluators"]) {
      CalibrationRecord record;
      record.evaluator = entry["id"].get<std::string>();
      record.evaluator_version = entry["version"].get<int>();
      record.failure_mode = entry["failure_mode"].get<std::string>();
      record.label_set = ref->ToString();
      record.label_set_sha256 = labels->sha256;
      record.calibrated_at = now;
      record.labels = entry["labels"].get<int>();
      if (entry["mcc"].is_number()) record.mcc = entry["mcc"].get<double>();
      if (entry["spearman"].is_number()) record.spearman = entry["spearman"].get<double>();
      record.role = *ParseRole(entry["role"].get<std::string>());  // RoleName of RoleFor
      record.figures = entry;
      Status recorded = (*history)->Record(record);
      if (!recorded.ok()) return Fail(kExitRuntime, recorded.message());
    }
  }

  for (const auto& entry : calibration["evaluators"]) {
    std::printf("%-26s v%-3d labels %-4d mcc %-6s role %s\n",
                entry["id"].get<std::string>().c_str(), entry["version"].get<int>(),
                entry["labels"].get<int>(),
                FormatFigure(entry["mcc"].is_number() ? entry["mcc"] : entry["spearman"]).c_str(),
                entry["role"].get<std::string>().c_str());
  }
  for (const std::string& id : notes.unlabeled) {
    std::printf("%-26s no labels for its failure mode: uncalibrated\n", id.c_str());
  }
  std::fprintf(stderr, "calibration: %s\n", (out / "calibration.json").c_str());
  return kExitOk;
}

}  // namespace

Command CalibrateCommand() {
  return {"calibrate", "Measure evaluators against a label set; decide their roles",
          [](CLI::App& app) -> std::function<int()> {
            auto flags = std::make_shared<CalibrateFlags>();
            app.add_option("--suite", flags->suite, "Suite YAML file")->required();
            app.add_option("--traces", flags->traces, "Trace files holding the labeled traces")
                ->expected(1, -1);
            app.add_option("--scores", flags->scores,
                           "A run's scores.jsonl to read instead of scoring --traces");
            app.add_option("--labels", flags->labels, "Label set, NAME@vN")->required();
            app.add_option("--labels-root", flags->labels_root, "Label set folder")
                ->capture_default_str();
            app.add_option("--out", flags->out, "Output folder")->required();
            app.add_option("--history", flags->history, "History store (SQLite)")
                ->capture_default_str();
            app.add_flag("--no-history", flags->no_history, "Do not record in the history store");
            app.add_option("--threads", flags->threads, "Worker threads (default: core count)")
                ->check(CLI::NonNegativeNumber);
            app.add_option("--seed", flags->seed, "Bootstrap seed")->capture_default_str();
            return [flags] { return Calibrate(*flags); };
          }};
}

}  // namespace arbiter
