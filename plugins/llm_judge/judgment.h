// One trace's judgment in progress: its k samples (asked of the judge or read from the cache),
// and their aggregation into one score. JudgeCore is what every judgment of an evaluator shares
// (settings, the HTTP loop, the cache, usage counters); judgments keep it alive, so answers that
// arrive after the evaluator is gone (an aborted run) touch nothing freed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "plugins/llm_judge/http_loop.h"
#include "plugins/llm_judge/judge_answer.h"
#include "plugins/llm_judge/provider.h"
#include "plugins/llm_judge/response_cache.h"
#include "plugins/llm_judge/rubric.h"
#include "runner/plugin_api/evaluator.h"

namespace arbiter {

enum class Aggregation { kMean, kMajority };

struct JudgeCore {
  JudgeModelSettings model;
  Rubric rubric;
  std::string system_prompt;
  std::string api_key;  // empty: no key header (a local server)
  int samples = 1;
  Aggregation aggregation = Aggregation::kMean;
  double pass_threshold = 0.5;
  RetryPolicy retry;
  // Owned by the evaluator, whose end joins the loop thread: a call still queued then ends
  // with an error, so every callback (the only user of `loop` after Evaluate) runs before.
  // Not a shared_ptr: the last owner must never be released on the loop thread itself.
  HttpLoop* loop = nullptr;
  int endpoint = 0;
  std::shared_ptr<ResponseCache> cache;  // null: --no-cache

  // Usage, for the scorecard. Counted where the order of events does not matter.
  mutable std::atomic<int64_t> calls{0};  // answered HTTP calls
  mutable std::atomic<int64_t> cache_hits{0};
  mutable std::atomic<int64_t> input_tokens{0};
  mutable std::atomic<int64_t> output_tokens{0};
  mutable std::atomic<int64_t> multi_sample_judged{0};  // traces whose k >= 2 samples all answered
  mutable std::atomic<int64_t> flipped{0};              // ... whose verdicts disagreed
  // Live figures for the progress display (Evaluator::Live), timing-dependent.
  mutable HttpCallCounters http;
  mutable std::atomic<int64_t> failed_calls{0};  // calls that failed for good

  // `text` with the API key replaced (ScrubSecret), for any message that quotes a server.
  std::string Redact(std::string text) const;
  // The cache key of sample `index` of `prompt`.
  std::string CacheKey(const std::string& prompt, int index) const;
  // The score of complete samples (each an answer or an error).
  Result<Score> Aggregate(const std::vector<std::optional<Result<JudgeAnswer>>>& samples) const;
};

class Judgment : public PendingScore, public std::enable_shared_from_this<Judgment> {
 public:
  Judgment(std::shared_ptr<const JudgeCore> core, std::string prompt);

  // Fills samples from the cache; true when every sample was found.
  bool ReadCache();
  // Asks the judge for every sample the cache did not have.
  void SendMissing();
  Result<Score> Wait() override;
  // The score when ReadCache() found everything (no wait).
  Result<Score> Ready() const { return core_->Aggregate(samples_); }

 private:
  void Send(int index, int answer_attempt);
  void OnResponse(int index, int answer_attempt, HttpOutcome outcome);
  void Set(int index, Result<JudgeAnswer> answer);

  std::shared_ptr<const JudgeCore> core_;
  std::string prompt_;
  std::string request_body_;
  std::string url_;
  std::vector<std::string> headers_;
  int64_t estimated_tokens_ = 0;
  std::vector<std::string> keys_;

  std::mutex mutex_;
  std::condition_variable done_;
  int remaining_ = 0;
  std::vector<std::optional<Result<JudgeAnswer>>> samples_;
};

}  // namespace arbiter
