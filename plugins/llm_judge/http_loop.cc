#include "plugins/llm_judge/http_loop.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <curl/curl.h>

#include "runner/plugin_api/text_target.h"

namespace arbiter {

struct HttpLoop::Job {
  int endpoint = 0;
  HttpCall call;
  std::function<void(HttpOutcome)> done;
  int attempts = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string response;
  long status = 0;
  double retry_after_ms = -1;
  char curl_error[CURL_ERROR_SIZE] = {};

  ~Job() {
    if (headers) curl_slist_free_all(headers);
    if (easy) curl_easy_cleanup(easy);
  }
};

struct HttpLoop::EndpointState {
  std::string key;
  EndpointLimits limits;  // guarded by State::mutex (registration may raise strictness)
  EndpointLimits active;  // the loop thread's copy
  std::deque<std::unique_ptr<Job>> ready;
  int in_flight = 0;
  TokenBucket requests, tokens;
  double requests_limit = -1, tokens_limit = -1;  // what the buckets were set for
  int64_t retries = 0;
};

struct HttpLoop::State {
  std::mutex mutex;
  std::vector<std::unique_ptr<EndpointState>> endpoints;       // guarded by mutex (the vector)
  std::vector<std::pair<int, std::unique_ptr<Job>>> incoming;  // guarded by mutex
  std::vector<std::pair<int, int64_t>> token_reports;          // guarded by mutex
  const std::atomic<bool>* stop = nullptr;                     // guarded by mutex
  bool shutdown = false;                                       // guarded by mutex

  // Loop thread only.
  CURLM* multi = nullptr;
  std::vector<EndpointState*> active;  // snapshot of `endpoints`, indexed by endpoint id
  std::vector<Job*> running;           // calls in the multi handle
  std::multimap<double, std::unique_ptr<Job>> delayed;  // retries by due time (ms)
  std::mt19937_64 random{std::random_device{}()};
  std::thread thread;
};

namespace {

double NowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Retry-After (seconds or an HTTP date) and retry-after-ms (OpenAI), in milliseconds.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  double& retry_after_ms = *static_cast<double*>(user);
  std::string line(data, size * count);
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * count;
  std::string name = line.substr(0, colon);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string value = line.substr(colon + 1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
    value.erase(0, 1);
  char* end = nullptr;
  if (name == "retry-after-ms") {
    double ms = std::strtod(value.c_str(), &end);
    if (end != value.c_str() && ms >= 0) retry_after_ms = ms;
  } else if (name == "retry-after" && retry_after_ms < 0) {
    double seconds = std::strtod(value.c_str(), &end);
    if (end != value.c_str() && *end == '\0' && seconds >= 0) {
      retry_after_ms = seconds * 1000;
    } else if (time_t when = curl_getdate(value.c_str(), nullptr); when > 0) {
      retry_after_ms = std::max(0.0, std::difftime(when, std::time(nullptr)) * 1000);
    }
  }
  return size * count;
}

bool RetryableTransport(int code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

std::string Attempts(int n) { return std::to_string(n) + (n == 1 ? " attempt" : " attempts"); }

}  // namespace

std::string ScrubSecret(std::string text, std::string_view secret) {
  if (secret.size() < kMinApiKeyChars) return text;
  auto in_token = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  };
  constexpr std::string_view kMark = "[redacted]";
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    size_t end = at + secret.size();
    if ((at > 0 && in_token(text[at - 1])) || (end < text.size() && in_token(text[end]))) {
      at = end;
      continue;
    }
    text.replace(at, secret.size(), kMark);
    at += kMark.size();
  }
  return text;
}

std::shared_ptr<HttpLoop> HttpLoop::Shared() {
  static std::mutex mutex;
  static std::weak_ptr<HttpLoop> shared;
  std::lock_guard lock(mutex);
  std::shared_ptr<HttpLoop> loop = shared.lock();
  if (!loop) {
    static std::once_flag curl_initialized;
    std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    loop = std::make_shared<HttpLoop>();
    shared = loop;
  }
  return loop;
}

HttpLoop::HttpLoop() : state_(std::make_unique<State>()) {
  state_->multi = curl_multi_init();
  curl_multi_setopt(state_->multi, CURLMOPT_MAXCONNECTS, 256L);
  state_->thread = std::thread([this] { Run(); });
}

HttpLoop::~HttpLoop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->shutdown = true;
  }
  curl_multi_wakeup(state_->multi);
  state_->thread.join();  // REQUIRES: not called from a completion callback
  curl_multi_cleanup(state_->multi);
}

int HttpLoop::Endpoint(const std::string& key, const EndpointLimits& limits) {
  std::lock_guard lock(state_->mutex);
  auto stricter = [](double a, double b) { return a <= 0 ? b : b <= 0 ? a : std::min(a, b); };
  for (size_t i = 0; i < state_->endpoints.size(); ++i) {
    EndpointLimits& known = state_->endpoints[i]->limits;
    if (state_->endpoints[i]->key != key) continue;
    known.max_in_flight = std::min(known.max_in_flight, limits.max_in_flight);
    known.requests_per_minute = stricter(known.requests_per_minute, limits.requests_per_minute);
    known.tokens_per_minute = stricter(known.tokens_per_minute, limits.tokens_per_minute);
    known.retry_budget = std::min(known.retry_budget, limits.retry_budget);
    return static_cast<int>(i);
  }
  auto endpoint = std::make_unique<EndpointState>();
  endpoint->key = key;
  endpoint->limits = limits;
  state_->endpoints.push_back(std::move(endpoint));
  return static_cast<int>(state_->endpoints.size() - 1);
}

void HttpLoop::Submit(int endpoint, HttpCall call, std::function<void(HttpOutcome)> done) {
  auto job = std::make_unique<Job>();
  job->endpoint = endpoint;
  job->call = std::move(call);
  job->done = std::move(done);
  {
    std::lock_guard lock(state_->mutex);
    state_->incoming.emplace_back(endpoint, std::move(job));
  }
  curl_multi_wakeup(state_->multi);
}

void HttpLoop::ReportTokens(int endpoint, int64_t estimated, int64_t actual) {
  std::lock_guard lock(state_->mutex);
  state_->token_reports.emplace_back(endpoint, estimated - actual);
}

void HttpLoop::WatchStop(const std::atomic<bool>* stop) {
  std::lock_guard lock(state_->mutex);
  state_->stop = stop;
}

void HttpLoop::Run() {
  State& s = *state_;
  while (true) {
    bool interrupted = false, shutdown = false;
    {
      std::lock_guard lock(s.mutex);
      s.active.clear();
      for (auto& endpoint : s.endpoints) {
        endpoint->active = endpoint->limits;
        s.active.push_back(endpoint.get());
      }
      for (auto& [endpoint, job] : s.incoming) s.active[endpoint]->ready.push_back(std::move(job));
      s.incoming.clear();
      for (auto [endpoint, refund] : s.token_reports) {
        s.active[endpoint]->tokens.Adjust(static_cast<double>(refund));
      }
      s.token_reports.clear();
      interrupted = s.stop && s.stop->load();
      shutdown = s.shutdown;
    }
    if (shutdown) {
      AbandonAll("the judge client shut down before the judge answered");
      break;
    }
    if (interrupted) AbandonAll("interrupted before the judge answered");
    double now = NowMs();
    double wake = now + 1000;
    while (!s.delayed.empty() && s.delayed.begin()->first <= now) {
      std::unique_ptr<Job> job = std::move(s.delayed.begin()->second);
      s.delayed.erase(s.delayed.begin());
      s.active[job->endpoint]->ready.push_front(std::move(job));
    }
    if (!s.delayed.empty()) wake = std::min(wake, s.delayed.begin()->first);
    StartReady(now, wake);

    int running = 0;
    curl_multi_perform(s.multi, &running);
    int queued = 0;
    bool finished_any = false;
    while (CURLMsg* message = curl_multi_info_read(s.multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      Job* job = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &job);
      int code = message->data.result;
      curl_multi_remove_handle(s.multi, message->easy_handle);
      Finish(job, code);
      finished_any = true;
    }
    if (finished_any) continue;  // slots freed: start the next calls before sleeping
    int timeout = static_cast<int>(std::max(0.0, std::min(wake - NowMs(), 1000.0)));
    curl_multi_poll(s.multi, nullptr, 0, timeout, nullptr);
  }
}

void HttpLoop::StartReady(double now, double& wake) {
  State& s = *state_;
  for (EndpointState* endpoint : s.active) {
    EndpointState& e = *endpoint;
    if (e.requests_limit != e.active.requests_per_minute) {
      e.requests.Reset(e.requests_limit = e.active.requests_per_minute);
    }
    if (e.tokens_limit != e.active.tokens_per_minute) {
      e.tokens.Reset(e.tokens_limit = e.active.tokens_per_minute);
    }
    while (e.in_flight < e.active.max_in_flight && !e.ready.empty()) {
      double tokens = static_cast<double>(e.ready.front()->call.estimated_tokens);
      double wait = std::max(e.requests.WaitMs(now, 1), e.tokens.WaitMs(now, tokens));
      if (wait > 0) {
        wake = std::min(wake, now + wait);
        break;
      }
      e.requests.Take(now, 1);
      e.tokens.Take(now, tokens);
      std::unique_ptr<Job> job = std::move(e.ready.front());
      e.ready.pop_front();
      ++e.in_flight;
      Start(std::move(job));
    }
  }
}

void HttpLoop::Start(std::unique_ptr<Job> job) {
  ++job->attempts;
  if (job->call.counters) ++job->call.counters->in_flight;
  job->response.clear();
  job->status = 0;
  job->retry_after_ms = -1;
  job->curl_error[0] = '\0';
  if (!job->easy) {
    job->easy = curl_easy_init();
    for (const std::string& header : job->call.headers) {
      job->headers = curl_slist_append(job->headers, header.c_str());
    }
    // libcurl 7.x sends "Expect: 100-continue" for bodies over 1 KB and waits for the server's
    // go-ahead: a round trip per call for nothing. An empty header turns it off.
    job->headers = curl_slist_append(job->headers, "Expect:");
  } else {
    curl_easy_reset(job->easy);
  }
  CURL* easy = job->easy;
  curl_easy_setopt(easy, CURLOPT_URL, job->call.url.c_str());
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, job->call.body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(job->call.body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, job->headers);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &job->response);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &job->retry_after_ms);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, job->call.retry.timeout_ms);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, std::min(job->call.retry.timeout_ms, 10000L));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, job->curl_error);
  // No Accept-Encoding: answers are a few hundred bytes, and compressing them (brotli, say)
  // costs the server more than sending them.
  curl_easy_setopt(easy, CURLOPT_PRIVATE, job.get());
  curl_multi_add_handle(state_->multi, easy);
  state_->running.push_back(job.get());
  job.release();  // owned by the multi handle until Finish
}

void HttpLoop::Finish(Job* raw, int code) {
  State& s = *state_;
  std::unique_ptr<Job> job(raw);
  std::erase(s.running, raw);
  EndpointState& endpoint = *s.active[job->endpoint];
  --endpoint.in_flight;
  HttpCallCounters* counters = job->call.counters;
  if (counters) --counters->in_flight;
  std::string cause;
  if (code == CURLE_OK) {
    curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &job->status);
    if (counters && job->status == 429) ++counters->rate_limited;
    if (job->status >= 200 && job->status < 300) return Complete(std::move(job), "");
    cause = "HTTP " + std::to_string(job->status);
    // Scrub first, then cut: a cut through the key would leave its first characters.
    if (!job->response.empty()) {
      cause += ": " + Excerpt(ScrubSecret(job->response, job->call.secret), 200);
    }
    if (job->status != 429 && job->status < 500) return Complete(std::move(job), cause);
  } else {
    cause = code == CURLE_OPERATION_TIMEDOUT
                ? "timeout of " + std::to_string(job->call.retry.timeout_ms) + " ms"
                : std::string(curl_easy_strerror(static_cast<CURLcode>(code)));
    if (code != CURLE_OPERATION_TIMEDOUT && job->curl_error[0]) {
      cause += std::string(": ") + job->curl_error;
    }
    if (!RetryableTransport(code)) return Complete(std::move(job), cause);
  }
  if (job->attempts >= job->call.retry.max_attempts) {
    return Complete(std::move(job), cause + " after " + Attempts(job->attempts));
  }
  if (job->retry_after_ms > kMaxRetryAfterMs) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.0f", job->retry_after_ms / 1000);
    return Complete(std::move(job), cause + " (Retry-After of " + seconds +
                                        " s is past the cap of " +
                                        std::to_string(static_cast<int>(kMaxRetryAfterMs / 1000)) +
                                        " s; not retried)");
  }
  if (endpoint.retries >= endpoint.active.retry_budget) {
    return Complete(std::move(job),
                    cause + " after " + Attempts(job->attempts) + " (retry budget of " +
                        std::to_string(endpoint.active.retry_budget) + " exhausted)");
  }
  ++endpoint.retries;
  if (counters) ++counters->retried;
  double delay = BackoffMs(job->attempts, job->call.retry, job->retry_after_ms, s.random);
  s.delayed.emplace(NowMs() + delay, std::move(job));
}

void HttpLoop::Complete(std::unique_ptr<Job> job, std::string error) {
  HttpOutcome outcome;
  outcome.status = job->status;
  outcome.body = std::move(job->response);
  outcome.error = std::move(error);
  outcome.attempts = job->attempts;
  auto done = std::move(job->done);
  job.reset();
  done(std::move(outcome));
}

void HttpLoop::AbandonAll(const std::string& why) {
  State& s = *state_;
  std::vector<std::unique_ptr<Job>> abandoned;
  {
    std::lock_guard lock(s.mutex);
    for (auto& [endpoint, job] : s.incoming) abandoned.push_back(std::move(job));
    s.incoming.clear();
  }
  for (EndpointState* endpoint : s.active) {
    for (auto& job : endpoint->ready) abandoned.push_back(std::move(job));
    endpoint->ready.clear();
  }
  for (auto& [due, job] : s.delayed) abandoned.push_back(std::move(job));
  s.delayed.clear();
  for (Job* job : s.running) {
    curl_multi_remove_handle(s.multi, job->easy);
    --s.active[job->endpoint]->in_flight;
    if (job->call.counters) --job->call.counters->in_flight;
    abandoned.emplace_back(job);
  }
  s.running.clear();
  for (auto& job : abandoned) Complete(std::move(job), why);
}

}  // namespace arbiter
