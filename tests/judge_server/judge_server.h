// A loopback judge for tests and benchmarks: an HTTP server on 127.0.0.1 that speaks the OpenAI
// Chat Completions (POST /v1/chat/completions) and Anthropic Messages (POST /v1/messages) wire
// formats and judges deterministically from the prompt.
//
// The score is a hash of the prompt on the scale the system prompt names ("Scale: 1-5"), unless
// the prompt says otherwise with directives (from a trace's text, say):
//   judge:score=N         answer score N (any text: "7" tests an out-of-scale answer);
//                         judge:score=cycle answers 1, 0, 1, ... to repeats of one prompt
//   judge:latency=MS      answer after MS milliseconds
//   judge:fault=KIND      every attempt fails; judge:fault=KIND-once: only the first attempt
//                         of this prompt fails (for retries), counted per prompt
// KIND: 429 (with Retry-After: 1), 429-long (Retry-After: 100000), 401 (echoes the key it was sent,
// across the body's 200th character), 500, hang (no answer for 30 s), malformed (a 200 whose body
// is not JSON), truncated (the answer's JSON is cut short), out_of_scale (score 7),
// fence (the answer in a ```json code fence with prose around: not a fault for a tolerant judge).
// GET /stats returns {"requests": N, "connections": M}.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace arbiter::testing {

struct JudgeServerOptions {
  int latency_ms = 0;  // added to every answer
  int threads = 128;   // handler threads: one per kept-alive client connection
  int port = 0;        // 0: any free port
};

class JudgeServer {
 public:
  explicit JudgeServer(JudgeServerOptions options = {});
  ~JudgeServer();  // stops, ending hung answers
  JudgeServer(const JudgeServer&) = delete;
  JudgeServer& operator=(const JudgeServer&) = delete;

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  std::string openai_base_url() const;     // http://127.0.0.1:PORT/v1
  std::string anthropic_base_url() const;  // http://127.0.0.1:PORT

  int64_t requests() const { return requests_.load(); }
  size_t connections() const;  // distinct client connections seen
  // Every credential header value received ("Bearer K", "K").
  std::vector<std::string> credentials() const;
  // Arrival times (ms, steady clock) of the requests whose prompt contains `marker`.
  std::vector<double> ArrivalsMs(const std::string& marker) const;
  // Every request body received, in arrival order.
  std::vector<std::string> bodies() const;

  void Stop();

 private:
  struct Reply;
  Reply Judge(const std::string& body, bool anthropic);

  JudgeServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = -1;
  std::atomic<int64_t> requests_{0};
  mutable std::mutex mutex_;
  std::condition_variable stopping_;
  bool stopped_ = false;
  std::set<std::string> connections_;
  std::vector<std::string> credentials_;
  std::vector<std::pair<double, std::string>> arrivals_;  // (time, prompt)
  std::vector<std::string> bodies_;
  std::map<uint64_t, int> attempts_;  // by prompt hash
};

}  // namespace arbiter::testing
