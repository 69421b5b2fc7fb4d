// OTLP/HTTP for `arbiter serve` (cpp-httplib): POST /v1/traces with application/x-protobuf or
// application/json bodies, gzip or not, answered per the OTLP specification:
//   200  ExportTraceServiceResponse, `partial_success` naming the spans it rejected;
//   400  a body that is not a request (google.rpc.Status in the request's encoding);
//   413  a body, compressed or decompressed, over `max_body_bytes`;
//   415  another content type or encoding;
//   503  with Retry-After: in-flight traces at their bound, the journal unwritable, stopping.
// GET /healthz (200 "ok", 503 while stopping) and GET /metrics (Prometheus text).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "runner/base/status.h"
#include "runner/serve/receiver.h"
#include "runner/source/otlp/proto.h"

namespace arbiter {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 4318;  // 0: any free port (see port())
  size_t max_body_bytes = 16 << 20;
  // httplib gives each connection a thread for as long as it is kept alive: an exporter with
  // more connections open than threads waits for a keep-alive timeout. The threads sleep in
  // poll() between requests, so many cost little.
  size_t threads = 64;
};

// The spans of a parsed protobuf request (OTLP/HTTP protobuf bodies and OTLP/gRPC calls), with
// the count of spans it declared, readable or not.
ExportSpans SpansOfRequest(const OtlpExportRequest& request);

// Decodes an OTLP/HTTP body; false, with `error` set, for a malformed one.
bool DecodeOtlpBody(std::string_view body, bool json, ExportSpans& out, std::string& error);

class OtlpHttpServer {
 public:
  OtlpHttpServer(Receiver& receiver, const HttpOptions& options);
  ~OtlpHttpServer();
  // Binds the port; an IoError naming host:port when it cannot.
  Status Bind();
  int port() const { return port_; }
  // Serves until Stop(); blocks.
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  HttpOptions options_;
  int port_ = 0;
};

}  // namespace arbiter
