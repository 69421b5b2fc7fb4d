// Scores that arrive later (Score::pending, used by HTTP judges): the host writes their rows in
// input order whatever the completion order, exactly as if they had been immediate.
#include <chrono>
#include <future>
#include <random>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scoring/pipeline_test_util.h"
#include "runner/scoring/run_pipeline.h"
#include "runner/scoring/scorecard.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::TempDir;

// Completes on another thread after a random delay, so completions come in any order.
class DelayedScore : public PendingScore {
 public:
  explicit DelayedScore(Result<Score> result) {
    future_ = std::async(std::launch::async, [result = std::move(result)] {
      thread_local std::mt19937 random{std::random_device{}()};
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 3000));
      return result;
    });
  }
  Result<Score> Wait() override { return future_.get(); }

 private:
  std::future<Result<Score>> future_;
};

// Scores the number in the trace id; every 7th is an error, every 5th a NaN (a host check).
class NumberEvaluator : public Evaluator {
 public:
  explicit NumberEvaluator(bool deferred) : deferred_(deferred) {}
  Result<Score> Evaluate(const Trace& trace, const EvalContext&) const override {
    int n = std::stoi(std::string(trace.trace_id().substr(2)));
    Result<Score> result =
        n % 7 == 0   ? Result<Score>(Status::Internal("no judge for " + std::to_string(n)))
        : n % 5 == 0 ? Result<Score>(Score(std::nan(""), "nan"))
                     : Result<Score>(Score((n % 10) / 10.0, "n" + std::to_string(n)));
    if (!deferred_) return result;
    Score pending;
    pending.pending = std::make_shared<DelayedScore>(std::move(result));
    return pending;
  }

 private:
  bool deferred_;
};

Suite MakeSuite(bool deferred) {
  Suite suite;
  suite.name = "pending";
  LoadedEvaluator loaded;
  loaded.spec.id = "number";
  loaded.spec.version = 1;
  loaded.spec.plugin = "test";
  loaded.evaluator = std::make_unique<NumberEvaluator>(deferred);
  suite.evaluators.push_back(std::move(loaded));
  return suite;
}

TEST(PendingScoreTest, RowsAreThoseOfImmediateScoresInInputOrder) {
  TempDir dir;
  std::string traces;
  for (int i = 1; i <= 400; ++i) traces += "{\"trace_id\": \"t-" + std::to_string(i) + "\"}\n";
  std::string path = dir.Write("traces.jsonl", traces).string();
  Suite immediate = MakeSuite(false);
  auto [rows, card] = testing::RunAndCollect(immediate, path, 1, 64);
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 400);
  EXPECT_THAT(rows, ::testing::HasSubstr("\"error\": \"no judge for 7\""));
  EXPECT_THAT(rows, ::testing::HasSubstr("\"error\": \"plugin 'test' returned NaN\""));
  Suite deferred = MakeSuite(true);
  for (int threads : {1, 3}) {
    auto [deferred_rows, deferred_card] = testing::RunAndCollect(deferred, path, threads, 64);
    EXPECT_EQ(deferred_rows, rows) << threads << " threads";
    EXPECT_EQ(deferred_card, card) << threads << " threads";
  }
}

}  // namespace
}  // namespace arbiter
