// `arbiter serve --suite S`: every written window's sample scored with the suite, as
// `arbiter run --suite S --traces OUT/samples/W.jsonl --out OUT/scores/W` would score it, on a
// thread of its own so that receiving goes on while a slow (and paid) judge works.
//
// The folders are the state: a window is written once OUT/samples/W.plan.json exists (serve writes
// it last) and scored once OUT/scores/W/scores.jsonl does (a run renames it into place last). So
// after a kill -9 the next start scores whatever was left, and the judge's response cache makes
// the repeat cost no paid call for the traces already judged.
//
// With a judge budget (judge_budget.h) a window scores what the window written before it carried
// (OUT/scores/PREV/carried.jsonl), then its own sample, as far as its allowance goes, and writes
// the rest to OUT/scores/W/carried.jsonl for the next window. The split depends only on those
// immutable files, the plan's start and end and the budget, and it is written before the scores:
// a rescore after a crash makes the same split, so nothing is lost or scored twice.
#pragma once

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runner/base/status.h"
#include "runner/serve/metrics.h"
#include "runner/suite/suite.h"

namespace arbiter {

struct WindowScoring {
  std::filesystem::path cache_dir;  // the judge's response cache (empty: none)
  uint64_t judge_budget = 0;        // judge calls per hour (--judge-budget); 0: no budget
};

class WindowScorer {
 public:
  // `suite` and `metrics` (null: none) must outlive the scorer.
  WindowScorer(const Suite& suite, std::filesystem::path out, WindowScoring scoring,
               ServeMetrics* metrics, std::FILE* log);
  ~WindowScorer();
  WindowScorer(const WindowScorer&) = delete;
  WindowScorer& operator=(const WindowScorer&) = delete;

  // Starts the thread that scores pending windows, looking every `poll_ms`.
  void Start(uint64_t poll_ms = 1000);
  // Scores what is still pending (the partial window a shutdown wrote included), then stops.
  void Stop();

  // The windows written and not yet scored, oldest first (names sort by time).
  std::vector<std::string> Pending() const;
  // Scores window `name` into OUT/scores/NAME.
  Status Score(const std::string& name);

 private:
  void ScorePending();

  const Suite& suite_;
  std::filesystem::path out_;
  WindowScoring scoring_;
  uint64_t calls_per_trace_;
  ServeMetrics* metrics_;
  std::FILE* log_;
  std::set<std::string> failed_;  // not retried until a restart: the log says why
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace arbiter
