#include "runner/scoring/run_output.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "runner/base/path_checks.h"
#include "runner/scoring/partial_run.h"
#include "runner/scoring/score_rows.h"

namespace arbiter {
namespace {

Status ReadScorecard(const std::filesystem::path& dir, RunOutput& run) {
  std::ifstream card(dir / "scorecard.json", std::ios::binary);
  if (!card) return Status::OK();
  std::stringstream text;
  text << card.rdbuf();
  run.scorecard = nlohmann::ordered_json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!run.scorecard.is_object()) {
    return Status::Corruption((dir / "scorecard.json").string() +
                              ": not a scorecard (JSON object)");
  }
  run.interrupted = run.scorecard.value("interrupted", false);
  const auto& listed = run.scorecard.value("evaluators", nlohmann::ordered_json::array());
  if (!listed.is_array()) return Status::OK();
  for (const auto& entry : listed) {
    if (!entry.is_object()) continue;
    EvaluatorRun e;
    e.id = entry.value("id", "");
    e.version = entry.value("version", 0);
    e.fingerprint = entry.value("fingerprint", "");
    e.skipped = entry.value("skipped", "");
    run.evaluators.push_back(std::move(e));
  }
  return Status::OK();
}

}  // namespace

const EvaluatorRun* RunOutput::Find(const std::string& id) const {
  for (const EvaluatorRun& e : evaluators) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

Result<RunOutput> LoadRunOutput(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const fs::path scores = dir / "scores.jsonl";
  if (!IsRegularFile(scores)) {
    return Status::NotFound(dir.string() + ": not a run's output (no scores.jsonl)");
  }
  // A shard's folder holds scores.jsonl too, but stands for part of the traces: compared as a
  // run, every evaluator read as missing its fingerprint ("an older arbiter").
  if (!IsRegularFile(dir / "scorecard.json") && IsRegularFile(dir / kShardFile)) {
    return Status::InvalidArgument(dir.string() +
                                   ": a partial run of `arbiter run --shard` (shard.json, no "
                                   "scorecard.json); merge the shards with `arbiter merge` and "
                                   "give the merged folder");
  }
  RunOutput run;
  run.dir = dir;
  // Read first: it gives the evaluators in the suite's order, which reports keep (scores.jsonl
  // only gives the order of first rows, and an evaluator with `when` may start late).
  try {
    ARBITER_RETURN_IF_ERROR(ReadScorecard(dir, run));
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption((dir / "scorecard.json").string() + ": " + e.what());
  }
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < run.evaluators.size(); ++i) index.emplace(run.evaluators[i].id, i);
  std::vector<bool> has_rows(run.evaluators.size(), false);
  std::string version_error;
  Status read = ReadScoreRows(scores.string(), [&](ScoreRow& row) {
    auto [it, fresh] = index.emplace(row.evaluator, run.evaluators.size());
    if (fresh) {
      EvaluatorRun e;
      e.id = row.evaluator;
      e.version = row.version;
      run.evaluators.push_back(std::move(e));
      has_rows.push_back(false);
    }
    EvaluatorRun& e = run.evaluators[it->second];
    if (!has_rows[it->second]) {
      has_rows[it->second] = true;
      if (e.version != row.version && version_error.empty()) {
        version_error = scores.string() + ": " + row.evaluator + " is v" +
                        std::to_string(e.version) + " in scorecard.json but its rows say v" +
                        std::to_string(row.version);
      }
      e.version = row.version;
    } else if (e.version != row.version && version_error.empty()) {
      version_error = scores.string() + ": " + row.evaluator + " appears at versions " +
                      std::to_string(e.version) + " and " + std::to_string(row.version);
    }
    Outcome outcome = row.pass ? (*row.pass ? Outcome::kPass : Outcome::kFail) : Outcome::kError;
    auto [slot, first] = e.by_trace.emplace(row.trace_id, outcome);
    if (!first) {  // the same trace twice: count it once, as its last row says
      (slot->second == Outcome::kError ? e.errors : e.judged) -= 1;
      slot->second = outcome;
    }
    (outcome == Outcome::kError ? e.errors : e.judged) += 1;
  });
  if (!read.ok()) return read;
  if (!version_error.empty()) return Status::Corruption(version_error);
  return run;
}

Result<std::map<std::pair<std::string, std::string>, std::string>> LoadRowReasons(
    const std::filesystem::path& dir, const std::set<std::pair<std::string, std::string>>& wanted) {
  std::map<std::pair<std::string, std::string>, std::string> reasons;
  if (wanted.empty()) return reasons;
  Status read = ReadScoreRows((dir / "scores.jsonl").string(), [&](ScoreRow& row) {
    auto key = std::make_pair(row.evaluator, row.trace_id);
    if (wanted.count(key)) reasons[key] = row.pass ? row.reason : "error: " + row.error;
  });
  if (!read.ok()) return read;
  return reasons;
}

}  // namespace arbiter
