#include "runner/serve/otlp_http.h"

#include <httplib.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "runner/base/json_error.h"
#include "runner/source/otlp/document.h"
#include "runner/source/otlp/proto.h"

namespace arbiter {
namespace {

// google.rpc.Status { int32 code = 1; string message = 2; }, encoded by hand: the one message
// OTLP error bodies need beyond the OTLP ones.
std::string RpcStatusProto(int code, const std::string& message) {
  std::string out;
  auto varint = [&](uint64_t value) {
    while (value >= 0x80) {
      out += static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    out += static_cast<char>(value);
  };
  out += '\x08';
  varint(static_cast<uint64_t>(code));
  out += '\x12';
  varint(message.size());
  out += message;
  return out;
}

constexpr int kInvalidArgument = 3;
constexpr int kResourceExhausted = 8;
constexpr int kUnavailable = 14;

bool IsJson(const std::string& content_type) {
  return content_type.rfind("application/json", 0) == 0;
}
bool IsProto(const std::string& content_type) {
  return content_type.rfind("application/x-protobuf", 0) == 0 ||
         content_type.rfind("application/protobuf", 0) == 0;
}

void ErrorReply(httplib::Response& res, int http, int rpc, const std::string& message, bool json) {
  res.status = http;
  if (json) {
    nlohmann::json body = {{"code", rpc}, {"message", message}};
    res.set_content(body.dump(), "application/json");
  } else {
    res.set_content(RpcStatusProto(rpc, message), "application/x-protobuf");
  }
}

// Spans declared in an OTLP/JSON document, readable or not: what partial_success counts from.
uint64_t CountJsonSpans(simdjson::dom::element root) {
  uint64_t count = 0;
  simdjson::dom::array resources;
  if (root["resourceSpans"].get_array().get(resources)) return 0;
  for (simdjson::dom::element resource : resources) {
    for (const char* field : {"scopeSpans", "instrumentationLibrarySpans"}) {
      simdjson::dom::array scopes;
      if (resource[field].get_array().get(scopes)) continue;
      for (simdjson::dom::element scope : scopes) {
        simdjson::dom::array spans;
        if (!scope["spans"].get_array().get(spans)) count += spans.size();
      }
    }
  }
  return count;
}

}  // namespace

ExportSpans SpansOfRequest(const OtlpExportRequest& request) {
  ExportSpans out;
  for (const auto& resource : request.resource_spans()) {
    for (const auto& scope : resource.scope_spans()) out.declared += scope.spans_size();
    for (const auto& scope : resource.instrumentation_library_spans()) {
      out.declared += scope.spans_size();
    }
  }
  ReadOtlpProto(request, out.spans, out.problems);
  return out;
}

bool DecodeOtlpBody(std::string_view body, bool json, ExportSpans& out, std::string& error) {
  if (!json) {
    // On an arena: freed one by one, a request's small strings had the receiving threads spend
    // half their time in malloc (bench/serve.sh, perf).
    google::protobuf::Arena arena;
    const OtlpExportRequest* request = ParseOtlpRequest(body, arena);
    if (request == nullptr) {
      error = WithOtlpParseProblem("the body is not an OTLP ExportTraceServiceRequest (protobuf)");
      return false;
    }
    out = SpansOfRequest(*request);
    return true;
  }
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::error_code code = parser.parse(body.data(), body.size()).get(root);
  if (code) {
    error = JsonRefusal("the body is not JSON", body, code);
    return false;
  }
  if (!root.is_object()) {
    error = "the body is not an OTLP/JSON ExportTraceServiceRequest (not an object)";
    return false;
  }
  simdjson::dom::element list;
  if (root["resourceSpans"].get(list)) return true;  // an empty request
  if (!list.is_array()) {
    error = "\"resourceSpans\" is not an array";
    return false;
  }
  out.declared = CountJsonSpans(root);
  ReadOtlpDocument(root, out.spans, out.problems);
  return true;
}

struct OtlpHttpServer::Impl {
  httplib::Server server;
};

OtlpHttpServer::OtlpHttpServer(Receiver& receiver, const HttpOptions& options)
    : impl_(std::make_unique<Impl>()), options_(options) {
  httplib::Server& server = impl_->server;
  size_t threads = options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // httplib's own limit would fail the read as a malformed body; the handler answers 413 itself
  // (above), so httplib's only guards against an absurd chunked body.
  server.set_payload_max_length(std::max<size_t>(options.max_body_bytes, 1) * 4);
  server.set_keep_alive_max_count(1u << 20);
  // An idle kept-alive connection frees its thread after 2 s (httplib's default is 5 s).
  server.set_keep_alive_timeout(2);
  // httplib writes a reply's headers and body in separate sends: without TCP_NODELAY, Nagle holds
  // the body until the client's delayed ACK, 40 ms on Linux, and a kept-alive exporter waits that
  // long for every request (bench/serve.sh measured p50 44 ms at 2,700 spans/s).
  server.set_tcp_nodelay(true);
  size_t limit = options.max_body_bytes;
  Receiver* r = &receiver;

  server.Post("/v1/traces", [r, limit](const httplib::Request& req, httplib::Response& res,
                                       const httplib::ContentReader& content_reader) {
    ServeMetrics& metrics = r->metrics();
    ++metrics.requests;
    std::string type = req.get_header_value("Content-Type");
    bool json = IsJson(type);
    if (!json && !IsProto(type)) {
      // Read the body anyway, so the connection stays usable.
      content_reader([](const char*, size_t) { return true; });
      ++metrics.requests_unsupported;
      ErrorReply(
          res, 415, kInvalidArgument,
          "Content-Type must be application/x-protobuf or application/json, not '" + type + "'",
          false);
      return;
    }
    // A declared length over the limit is refused unread; the connection closes, since the
    // body is still on it.
    if (req.has_header("Content-Length") &&
        std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > limit) {
      ++metrics.requests_too_large;
      res.set_header("Connection", "close");
      ErrorReply(res, 413, kResourceExhausted,
                 "the body exceeds " + std::to_string(limit) + " bytes", json);
      return;
    }
    // Decompressed by httplib (Content-Encoding: gzip); the limit holds after decompression too.
    std::string body;
    bool too_large = false;
    bool read = content_reader([&](const char* data, size_t length) {
      if (too_large || body.size() + length > limit) {
        too_large = true;
        body = std::string();
        return true;
      }
      body.append(data, length);
      return true;
    });
    if (too_large) {
      ++metrics.requests_too_large;
      ErrorReply(res, 413, kResourceExhausted,
                 "the body exceeds " + std::to_string(limit) + " bytes once decompressed", json);
      return;
    }
    if (!read) {
      ++metrics.requests_malformed;
      ErrorReply(res, 400, kInvalidArgument, "the body could not be read (bad gzip?)", json);
      return;
    }
    ExportSpans spans;
    std::string error;
    if (!DecodeOtlpBody(body, json, spans, error)) {
      ++metrics.requests_malformed;
      ErrorReply(res, 400, kInvalidArgument, error, json);
      return;
    }
    IngestOutcome outcome = r->Ingest(std::move(spans));
    if (outcome.code != IngestOutcome::kOk) {
      Refusal refusal = CountRefusal(outcome, metrics);
      res.set_header("Retry-After", std::to_string(refusal.retry_seconds));
      ErrorReply(res, 503, kUnavailable, refusal.message, json);
      return;
    }
    res.status = 200;
    if (json) {
      nlohmann::ordered_json reply = nlohmann::ordered_json::object();
      if (outcome.rejected > 0) {
        reply["partialSuccess"] = {{"rejectedSpans", std::to_string(outcome.rejected)},
                                   {"errorMessage", outcome.message}};
      }
      res.set_content(reply.dump(), "application/json");
    } else {
      opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse reply;
      if (outcome.rejected > 0) {
        reply.mutable_partial_success()->set_rejected_spans(static_cast<int64_t>(outcome.rejected));
        reply.mutable_partial_success()->set_error_message(outcome.message);
      }
      res.set_content(reply.SerializeAsString(), "application/x-protobuf");
    }
  });

  server.Get("/healthz", [r](const httplib::Request&, httplib::Response& res) {
    if (r->stopping()) {
      res.status = 503;
      res.set_content("stopping\n", "text/plain");
      return;
    }
    res.set_content("ok\n", "text/plain");
  });
  server.Get("/metrics", [r](const httplib::Request&, httplib::Response& res) {
    res.set_content(r->metrics().Text(), "text/plain; version=0.0.4");
  });
}

OtlpHttpServer::~OtlpHttpServer() = default;

Status OtlpHttpServer::Bind() {
  if (options_.port == 0) {
    port_ = impl_->server.bind_to_any_port(options_.host);
    if (port_ > 0) return Status::OK();
  } else if (impl_->server.bind_to_port(options_.host, options_.port)) {
    port_ = options_.port;
    return Status::OK();
  }
  return Status::IoError("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                         " (in use, or not an address here)");
}

void OtlpHttpServer::Run() { impl_->server.listen_after_bind(); }

void OtlpHttpServer::Stop() { impl_->server.stop(); }

}  // namespace arbiter
