#include "tests/judge_server/judge_server.h"

#include <chrono>

#include <sys/socket.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace arbiter::testing {
namespace {

double NowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

uint64_t Fnv1a(const std::string& text) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

// The value of directive `name` ("judge:name=value"), or "".
std::string Directive(const std::string& prompt, const std::string& name) {
  std::string marker = "judge:" + name + "=";
  size_t at = prompt.find(marker);
  if (at == std::string::npos) return "";
  size_t start = at + marker.size();
  size_t end = start;
  while (end < prompt.size() && (std::isalnum(static_cast<unsigned char>(prompt[end])) ||
                                 prompt[end] == '_' || prompt[end] == '-' || prompt[end] == '.')) {
    ++end;
  }
  return prompt.substr(start, end - start);
}

std::string DefaultScore(const std::string& prompt, uint64_t hash) {
  if (prompt.find("Scale: 1-5") != std::string::npos) return std::to_string(1 + hash % 5);
  if (prompt.find("Scale: 0-1") != std::string::npos) {
    return std::to_string(hash % 11 / 10) + "." + std::to_string(hash % 11 % 10);
  }
  return std::to_string(hash % 2);
}

}  // namespace

struct JudgeServer::Reply {
  int status = 200;
  std::string body;
  std::string retry_after;
};

JudgeServer::JudgeServer(JudgeServerOptions options)
    : options_(options), server_(std::make_unique<httplib::Server>()) {
  const int threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_keep_alive_max_count(1000000);
  server_->set_keep_alive_timeout(5);
  // Headers and body go out in separate writes: with Nagle's algorithm the body would wait for
  // the client's delayed ACK (40 ms), a delay no real provider adds.
  server_->set_tcp_nodelay(true);
  auto handler = [this](bool anthropic) {
    return [this, anthropic](const httplib::Request& request, httplib::Response& response) {
      {
        std::lock_guard lock(mutex_);
        connections_.insert(request.remote_addr + ":" + std::to_string(request.remote_port));
        for (const char* header : {"Authorization", "x-api-key"}) {
          if (request.has_header(header)) {
            credentials_.push_back(request.get_header_value(header));
          }
        }
        bodies_.push_back(request.body);
      }
      ++requests_;
      Reply reply = Judge(request.body, anthropic);
      // fault=401 echoes the key it was sent, as some providers do: the client must scrub it.
      const std::string kEcho = "{{key}}";
      for (size_t at = reply.body.find(kEcho); at != std::string::npos;
           at = reply.body.find(kEcho)) {
        std::string key = request.get_header_value(anthropic ? "x-api-key" : "Authorization");
        if (key.rfind("Bearer ", 0) == 0) key.erase(0, 7);
        reply.body.replace(at, kEcho.size(), key);
      }
      if (!reply.retry_after.empty()) response.set_header("Retry-After", reply.retry_after);
      response.status = reply.status;
      response.set_content(reply.body, "application/json");
    };
  };
  server_->Post("/v1/chat/completions", handler(false));
  server_->Post("/v1/messages", handler(true));
  server_->Get("/stats", [this](const httplib::Request&, httplib::Response& response) {
    nlohmann::json stats = {{"requests", requests()}, {"connections", connections()}};
    response.set_content(stats.dump(), "application/json");
  });
  // httplib listens with a backlog of 5: a client opening dozens of connections at once would
  // see SYNs dropped and retried a second later. Listening again raises it (Linux allows this).
  int listen_fd = -1;
  server_->set_socket_options([&listen_fd](int fd) {
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd = fd;
  });
  port_ = options_.port > 0
              ? (server_->bind_to_port("127.0.0.1", options_.port) ? options_.port : -1)
              : server_->bind_to_any_port("127.0.0.1");
  if (port_ > 0) {
    ::listen(listen_fd, 1024);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // stop() before the listen loop runs would be lost, and Stop() would wait forever.
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

JudgeServer::~JudgeServer() { Stop(); }

void JudgeServer::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  stopping_.notify_all();
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string JudgeServer::openai_base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}
std::string JudgeServer::anthropic_base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

size_t JudgeServer::connections() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

std::vector<std::string> JudgeServer::credentials() const {
  std::lock_guard lock(mutex_);
  return credentials_;
}

std::vector<std::string> JudgeServer::bodies() const {
  std::lock_guard lock(mutex_);
  return bodies_;
}

std::vector<double> JudgeServer::ArrivalsMs(const std::string& marker) const {
  std::lock_guard lock(mutex_);
  std::vector<double> out;
  for (const auto& [time, prompt] : arrivals_) {
    if (prompt.find(marker) != std::string::npos) out.push_back(time);
  }
  return out;
}

JudgeServer::Reply JudgeServer::Judge(const std::string& body, bool anthropic) {
  Reply reply;
  nlohmann::json request = nlohmann::json::parse(body, nullptr, false);
  if (!request.is_object() || !request.contains("messages") || !request["messages"].is_array()) {
    reply.status = 400;
    reply.body = R"({"error": {"message": "expected a JSON body with messages"}})";
    return reply;
  }
  std::string prompt;
  if (anthropic && request.contains("system") && request["system"].is_string()) {
    prompt += request["system"].get<std::string>() + "\n";
  }
  for (const nlohmann::json& message : request["messages"]) {
    if (message.contains("content") && message["content"].is_string()) {
      prompt += message["content"].get<std::string>() + "\n";
    }
  }
  const uint64_t hash = Fnv1a(prompt);
  int attempt = 0;
  {
    std::lock_guard lock(mutex_);
    attempt = ++attempts_[hash];
    arrivals_.emplace_back(NowMs(), prompt);
  }
  std::string latency = Directive(prompt, "latency");
  int latency_ms = options_.latency_ms + (latency.empty() ? 0 : std::atoi(latency.c_str()));
  std::string fault = Directive(prompt, "fault");
  if (fault.size() > 5 && fault.compare(fault.size() - 5, 5, "-once") == 0) {
    fault = attempt == 1 ? fault.substr(0, fault.size() - 5) : "";
  }
  if (fault == "hang") latency_ms += 30000;
  if (latency_ms > 0) {
    std::unique_lock lock(mutex_);
    stopping_.wait_for(lock, std::chrono::milliseconds(latency_ms), [&] { return stopped_; });
  }
  if (fault == "429") {
    reply.status = 429;
    reply.retry_after = "1";
    reply.body = R"({"error": {"message": "rate limited by the loopback judge"}})";
    return reply;
  }
  if (fault == "429-long") {
    reply.status = 429;
    reply.retry_after = "100000";
    reply.body = R"({"error": {"message": "come back tomorrow"}})";
    return reply;
  }
  if (fault == "401") {
    reply.status = 401;
    reply.body = R"({"error": {"message": ")" + std::string(140, '.') +
                 R"( Incorrect API key provided: {{key}}."}})";
    return reply;
  }
  if (fault == "500") {
    reply.status = 500;
    reply.body = R"({"error": {"message": "the loopback judge failed on purpose"}})";
    return reply;
  }
  if (fault == "malformed") {
    reply.body = "<html>this is not JSON</html>";
    return reply;
  }
  std::string score = Directive(prompt, "score");
  if (score.empty()) score = DefaultScore(prompt, hash);
  if (score == "cycle") score = std::to_string(attempt % 2);  // 1, 0, 1, ...: a noisy judge
  if (fault == "out_of_scale") score = "7";
  std::string reason = "loopback judgment " + std::to_string(hash % 100000);
  std::string answer = "{\"score\": " + score + ", \"reason\": \"" + reason + "\"}";
  if (fault == "truncated") answer = answer.substr(0, answer.size() / 2);
  if (fault == "fence") answer = "Here is my verdict:\n```json\n" + answer + "\n```\nThanks.";

  const int64_t input_tokens = static_cast<int64_t>(prompt.size() / 4);
  const int64_t output_tokens = static_cast<int64_t>(answer.size() / 4);
  nlohmann::json out;
  if (anthropic) {
    out = {{"id", "msg_loopback"},
           {"type", "message"},
           {"role", "assistant"},
           {"model", request.value("model", "")},
           {"content", {{{"type", "text"}, {"text", answer}}}},
           {"stop_reason", "end_turn"},
           {"usage", {{"input_tokens", input_tokens}, {"output_tokens", output_tokens}}}};
  } else {
    out = {{"id", "chatcmpl-loopback"},
           {"object", "chat.completion"},
           {"model", request.value("model", "")},
           {"choices",
            {{{"index", 0},
              {"message", {{"role", "assistant"}, {"content", answer}}},
              {"finish_reason", "stop"}}}},
           {"usage",
            {{"prompt_tokens", input_tokens},
             {"completion_tokens", output_tokens},
             {"total_tokens", input_tokens + output_tokens}}}};
  }
  reply.body = out.dump();
  return reply;
}

}  // namespace arbiter::testing
