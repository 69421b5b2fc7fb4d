// OTLP/gRPC for `arbiter serve`: opentelemetry.proto.collector.trace.v1.TraceService/Export on
// its own port (4317 by default), answered per the OTLP specification:
//   OK                  ExportTraceServiceResponse, `partial_success` naming the spans rejected;
//   INVALID_ARGUMENT    not used for a readable message (gRPC itself refuses unreadable ones);
//   RESOURCE_EXHAUSTED  a message over `max_message_bytes` (gRPC's own check);
//   UNAVAILABLE         in-flight traces at their bound, the journal unwritable, stopping; the
//                       exporters retry these, with the `grpc-retry-pushback-ms` hint.
// The spans go through the same Receiver::Ingest as OTLP/HTTP (otlp_http.h).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "runner/base/status.h"
#include "runner/serve/receiver.h"

namespace arbiter {

struct GrpcOptions {
  std::string host = "127.0.0.1";
  int port = 4317;  // 0: any free port (see port())
  size_t max_message_bytes = 16 << 20;
};

class OtlpGrpcServer {
 public:
  OtlpGrpcServer(Receiver& receiver, const GrpcOptions& options);
  ~OtlpGrpcServer();
  // Binds the port and starts serving on gRPC's own threads; an IoError when it cannot listen.
  Status Start();
  int port() const { return port_; }
  // Stops taking calls, lets the calls in progress finish (up to a few seconds).
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  GrpcOptions options_;
  int port_ = 0;
};

}  // namespace arbiter
