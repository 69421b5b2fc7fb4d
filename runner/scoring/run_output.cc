#include "runner/scoring/run_output.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "runner/scoring/score_rows.h"

namespace arbiter {

const EvaluatorRun* RunOutput::Find(const std::string& id) const {
  for (const EvaluatorRun& e : evaluators) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

Result<RunOutput> LoadRunOutput(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const fs::path scores = dir / "scores.jsonl";
  if (!fs::is_regular_file(scores)) {
    return Status::NotFound(dir.string() + ": not a run's output (no scores.jsonl)");
  }
  RunOutput run;
  run.dir = dir;
  std::map<std::string, size_t> index;
  std::string version_error;
  Status read = ReadScoreRows(scores.string(), [&](ScoreRow& row) {
    auto [it, fresh] = index.emplace(row.evaluator, run.evaluators.size());
    if (fresh) {
      run.evaluators.push_back({row.evaluator, row.version, {}, 0});
    }
    EvaluatorRun& e = run.evaluators[it->second];
    if (e.version != row.version && version_error.empty()) {
      version_error = scores.string() + ": " + row.evaluator + " appears at versions " +
                      std::to_string(e.version) + " and " + std::to_string(row.version);
    }
    if (row.pass) {
      e.pass_by_trace[row.trace_id] = *row.pass;
    } else {
      ++e.errors;
    }
  });
  if (!read.ok()) return read;
  if (!version_error.empty()) return Status::Corruption(version_error);

  std::ifstream card(dir / "scorecard.json", std::ios::binary);
  if (card) {
    std::stringstream text;
    text << card.rdbuf();
    run.scorecard = nlohmann::ordered_json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (run.scorecard.is_discarded()) {
      return Status::Corruption((dir / "scorecard.json").string() + ": not JSON");
    }
    // Reports list evaluators in the suite's order, which the scorecard keeps; scores.jsonl
    // only gives the order of first rows (an evaluator with `when` may start late).
    std::map<std::string, size_t> rank;
    if (run.scorecard.contains("evaluators") && run.scorecard["evaluators"].is_array()) {
      for (const auto& e : run.scorecard["evaluators"])
        rank.emplace(e.value("id", ""), rank.size());
    }
    std::stable_sort(run.evaluators.begin(), run.evaluators.end(),
                     [&](const EvaluatorRun& a, const EvaluatorRun& b) {
                       auto ra = rank.find(a.id), rb = rank.find(b.id);
                       size_t x = ra == rank.end() ? rank.size() : ra->second;
                       size_t y = rb == rank.end() ? rank.size() : rb->second;
                       return x < y;
                     });
  }
  return run;
}

}  // namespace arbiter
