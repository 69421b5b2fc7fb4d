#include "runner/annotate/server.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include <httplib.h>

#include "runner/annotate/page.h"

namespace arbiter {
namespace {

using Json = nlohmann::ordered_json;

void SendJson(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  SendJson(res, status, Json{{"error", message}});
}

// A failed Status as HTTP: what the client got wrong is 400, a trace past the end 404, the rest
// the server's failure, 500.
void SendStatus(httplib::Response& res, const Status& status) {
  int code = 500;
  if (status.code() == Status::Code::kInvalidArgument) code = 400;
  if (status.code() == Status::Code::kNotFound) code = 404;
  SendError(res, code, status.message());
}

std::string Token(const httplib::Request& req) {
  std::string auth = req.get_header_value("Authorization");
  const std::string bearer = "Bearer ";
  if (auth.rfind(bearer, 0) == 0) return auth.substr(bearer.size());
  return req.get_param_value("token");
}

// The reviewer a request acts for: ?reviewer=NAME, else the server's --reviewer.
bool Reviewer(const httplib::Request& req, const std::string& fallback, std::string& reviewer) {
  static const std::regex kName("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  reviewer = req.has_param("reviewer") ? req.get_param_value("reviewer") : fallback;
  return std::regex_match(reviewer, kName);
}

}  // namespace

std::string RandomToken() {
  std::random_device random;  // getrandom(2) on Linux
  static const char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 4; ++i) {
    uint32_t word = random();
    for (int j = 0; j < 8; ++j) token += kHex[(word >> (4 * j)) & 0xf];
  }
  return token;
}

bool SameToken(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Status ServeAnnotation(AnnotateSession& session, ServerOptions options,
                       const std::function<void(const std::string& url)>& ready) {
  if (options.token.empty()) options.token = RandomToken();
  if (options.csrf.empty()) options.csrf = RandomToken();
  httplib::Server server;
  server.set_payload_max_length(options.max_body);
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return Status::InvalidArgument("cannot listen on " + options.host + ":" +
                                   std::to_string(options.port) +
                                   " (in use? --port 0 picks a free port)");
  }
  const std::string host =
      options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  const std::string base = "http://" + host + ":" + std::to_string(port);
  std::set<std::string> origins = {base};
  if (options.host == "127.0.0.1") origins.insert("http://localhost:" + std::to_string(port));
  const std::string default_reviewer = session.options().reviewer;

  server.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");  // the token is in the page's URL
    res.set_header("X-Frame-Options", "DENY");
    if (!SameToken(Token(req), options.token)) {
      SendError(res, 401,
                "the session token is missing or wrong: open the URL that arbiter "
                "annotate printed, or send Authorization: Bearer TOKEN");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      if (!SameToken(req.get_header_value("X-CSRF-Token"), options.csrf)) {
        SendError(res, 403,
                  "the CSRF token (X-CSRF-Token, from GET /api/session) is missing or "
                  "wrong");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (!origins.count(req.get_header_value("Origin"))) {
        SendError(res, 403, "the Origin header must be " + base);
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server.Get("/", [&](const httplib::Request&, httplib::Response& res) {
    std::string nonce = RandomToken();
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" +
                       nonce +
                       "'; connect-src 'self'; img-src 'self' data:; "
                       "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    res.set_content(AnnotatePage(nonce), "text/html; charset=utf-8");
  });
  auto with_reviewer = [&](auto handler) {
    return [&, handler](const httplib::Request& req, httplib::Response& res) {
      std::string reviewer;
      if (!Reviewer(req, default_reviewer, reviewer)) {
        SendError(res, 400, "reviewer must match [A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
        return;
      }
      handler(req, res, reviewer);
    };
  };
  server.Get("/api/session", with_reviewer([&](const httplib::Request&, httplib::Response& res,
                                               const std::string& reviewer) {
               Json out = session.Session(reviewer);
               out["csrf"] = options.csrf;
               SendJson(res, 200, out);
             }));
  server.Get(R"(/api/traces/(\d{1,12}))",
             with_reviewer([&](const httplib::Request& req, httplib::Response& res,
                               const std::string& reviewer) {
               Result<Json> trace = session.Trace(std::stoull(req.matches[1].str()), reviewer);
               if (!trace.ok()) return SendStatus(res, trace.status());
               SendJson(res, 200, *trace);
             }));
  server.Get("/api/labels", with_reviewer([&](const httplib::Request&, httplib::Response& res,
                                              const std::string& reviewer) {
               SendJson(res, 200, session.Labels(reviewer));
             }));
  server.Post("/api/labels", with_reviewer([&](const httplib::Request& req, httplib::Response& res,
                                               const std::string& reviewer) {
                nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
                if (body.is_discarded()) return SendError(res, 400, "the body is not JSON");
                Result<Json> saved = session.PostLabel(body, reviewer);
                if (!saved.ok()) return SendStatus(res, saved.status());
                SendJson(res, 200, *saved);
              }));
  server.Get("/api/progress", with_reviewer([&](const httplib::Request&, httplib::Response& res,
                                                const std::string& reviewer) {
               SendJson(res, 200, session.Progress(reviewer));
             }));
  server.Get("/api/signals", [&](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200, session.Signals());
  });
  server.Get("/api/agreement", with_reviewer([&](const httplib::Request&, httplib::Response& res,
                                                 const std::string& reviewer) {
               Json progress = session.Progress(reviewer);
               SendJson(res, 200,
                        Json{{"agreement", progress["agreement"]},
                             {"disagreements", progress["disagreements"]},
                             {"disagreements_total", progress["disagreements_total"]}});
             }));
  server.Post("/api/commit", [&](const httplib::Request&, httplib::Response& res) {
    Result<Json> made = session.Commit();
    if (!made.ok()) return SendStatus(res, made.status());
    SendJson(res, 200, *made);
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      SendError(res, res.status,
                res.status == 413 ? "the request body is too large" : "no such page or API route");
    }
  });

  // SIGINT and SIGTERM stop the server from a thread of their own (blocked everywhere else,
  // inherited by httplib's workers).
  sigset_t stops;
  sigemptyset(&stops);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stops, nullptr);
  std::atomic<bool> done{false};
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stops, &signal);
    if (!done) server.stop();
  });
  ready(base + "/?token=" + options.token);
  bool listened = server.listen_after_bind();
  done = true;
  pthread_kill(stopper.native_handle(), SIGTERM);  // wakes the sigwait when no signal came
  stopper.join();
  pthread_sigmask(SIG_UNBLOCK, &stops, nullptr);
  if (!listened) return Status::IoError("the server stopped on an error");
  return Status::OK();
}

}  // namespace arbiter
