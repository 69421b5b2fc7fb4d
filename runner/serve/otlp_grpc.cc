#include "runner/serve/otlp_grpc.h"

#include <chrono>

#include <grpcpp/grpcpp.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h>

#include "runner/serve/otlp_http.h"

namespace arbiter {
namespace {

namespace otlp = opentelemetry::proto::collector::trace::v1;

class TraceService final : public otlp::TraceService::Service {
 public:
  explicit TraceService(Receiver& receiver) : receiver_(receiver) {}

  grpc::Status Export(grpc::ServerContext* context, const otlp::ExportTraceServiceRequest* request,
                      otlp::ExportTraceServiceResponse* response) override {
    ServeMetrics& metrics = receiver_.metrics();
    ++metrics.requests;
    IngestOutcome outcome = receiver_.Ingest(SpansOfRequest(*request));
    if (outcome.code != IngestOutcome::kOk) {
      Refusal refusal = CountRefusal(outcome, metrics);
      return Unavailable(context, refusal.retry_seconds * 1000, refusal.message);
    }
    if (outcome.rejected > 0) {
      response->mutable_partial_success()->set_rejected_spans(
          static_cast<int64_t>(outcome.rejected));
      response->mutable_partial_success()->set_error_message(outcome.message);
    }
    return grpc::Status::OK;
  }

 private:
  // UNAVAILABLE is retryable for every OTLP exporter; the pushback header is gRPC's own
  // Retry-After, which the exporters that honour it wait for.
  static grpc::Status Unavailable(grpc::ServerContext* context, int retry_ms,
                                  const std::string& message) {
    context->AddTrailingMetadata("grpc-retry-pushback-ms", std::to_string(retry_ms));
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, message);
  }

  Receiver& receiver_;
};

}  // namespace

struct OtlpGrpcServer::Impl {
  explicit Impl(Receiver& receiver) : service(receiver) {}
  TraceService service;
  std::unique_ptr<grpc::Server> server;
};

OtlpGrpcServer::OtlpGrpcServer(Receiver& receiver, const GrpcOptions& options)
    : impl_(std::make_unique<Impl>(receiver)), options_(options) {}

OtlpGrpcServer::~OtlpGrpcServer() { Stop(); }

Status OtlpGrpcServer::Start() {
  grpc::ServerBuilder builder;
  int chosen = 0;
  builder.AddListeningPort(options_.host + ":" + std::to_string(options_.port),
                           grpc::InsecureServerCredentials(), &chosen);
  builder.SetMaxReceiveMessageSize(static_cast<int>(options_.max_message_bytes));
  builder.RegisterService(&impl_->service);
  impl_->server = builder.BuildAndStart();
  if (!impl_->server || chosen == 0) {
    impl_->server.reset();
    return Status::IoError("cannot listen for OTLP/gRPC on " + options_.host + ":" +
                           std::to_string(options_.port) + " (in use, or not an address here)");
  }
  port_ = chosen;
  return Status::OK();
}

void OtlpGrpcServer::Stop() {
  if (!impl_->server) return;
  impl_->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  impl_->server->Wait();
  impl_->server.reset();
}

}  // namespace arbiter
