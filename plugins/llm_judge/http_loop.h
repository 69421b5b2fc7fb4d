// One libcurl-multi event loop thread for every judge call of the process: many requests in
// flight without a thread each, connections kept alive and reused, per-endpoint limits (calls in
// flight, requests and tokens per minute), and retries of 429, 5xx, timeouts and connection
// errors with backoff. Worker threads only hand calls over (Submit) and move on.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/llm_judge/rate_limit.h"

namespace arbiter {

// Limits of one endpoint (a provider at a base URL), shared by every evaluator calling it.
// When several evaluators declare limits for one endpoint, the strictest of each applies.
struct EndpointLimits {
  int max_in_flight = 16;
  double requests_per_minute = 0;  // 0: unlimited
  double tokens_per_minute = 0;    // 0: unlimited; counted from estimates, then actual usage
  int64_t retry_budget = 100;      // retries for the whole process at this endpoint
};

// Keys shorter than this are refused at load (llm_judge_plugin.cc): too short to be a real
// key, and too short to replace in text without mangling words ("x" in "exhausted").
inline constexpr size_t kMinApiKeyChars = 8;

// `text` with every occurrence of `secret` that stands as a whole token (no letter, digit, `_`
// or `-` on either side) replaced by "[redacted]". A secret shorter than kMinApiKeyChars is
// left alone.
std::string ScrubSecret(std::string text, std::string_view secret);

// Live counts of one caller's calls (the progress display, Evaluator::Live), kept by the loop
// thread. Timing-dependent: never for an output.
struct HttpCallCounters {
  std::atomic<int64_t> in_flight{0};     // requests sent, not answered
  std::atomic<int64_t> retried{0};       // attempts retried
  std::atomic<int64_t> rate_limited{0};  // 429 answers
};

struct HttpCall {
  std::string url;
  std::vector<std::string> headers;  // may hold an API key: never logged or copied out
  // The API key in `headers`, scrubbed from a response body before an error quotes (and cuts)
  // it: a 401 often echoes the key it was sent.
  std::string secret;
  std::string body;
  int64_t estimated_tokens = 0;  // for tokens_per_minute
  RetryPolicy retry;
  // Optional. Must live until `done` has run (the judge's are in what `done` keeps alive).
  HttpCallCounters* counters = nullptr;
};

struct HttpOutcome {
  long status = 0;    // the last HTTP status; 0 when no response arrived
  std::string body;   // of the last response
  std::string error;  // empty for a 2xx; else the cause ("HTTP 500 after 5 attempts: ...")
  int attempts = 0;
};

class HttpLoop {
 public:
  // The process's loop, created on first use, ended when its last user lets go.
  static std::shared_ptr<HttpLoop> Shared();

  HttpLoop();
  ~HttpLoop();
  HttpLoop(const HttpLoop&) = delete;
  HttpLoop& operator=(const HttpLoop&) = delete;

  // The id of the endpoint named `key` (registered on first use). Thread-safe.
  int Endpoint(const std::string& key, const EndpointLimits& limits);

  // Queues a call; `done` runs once, on the loop thread (keep it short; it may Submit again).
  // Thread-safe.
  void Submit(int endpoint, HttpCall call, std::function<void(HttpOutcome)> done);

  // Tells the tokens-per-minute limit what a call really used.
  void ReportTokens(int endpoint, int64_t estimated, int64_t actual);

  // From now on, when *stop becomes true every unfinished call ends with "interrupted".
  void WatchStop(const std::atomic<bool>* stop);

 private:
  struct Job;
  struct EndpointState;
  void Run();
  void StartReady(double now_ms, double& wake_ms);
  void Start(std::unique_ptr<Job> job);
  void Finish(Job* job, int curl_code);
  void Complete(std::unique_ptr<Job> job, std::string error);
  void AbandonAll(const std::string& why);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace arbiter
