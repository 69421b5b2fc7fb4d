// Placeholder: implemented by the OTLP reader work (see otlp_source.h).
#include "runner/otlp_source.h"

namespace arbiter {
namespace {
class UnimplementedOtlpSource : public TraceSource {
 public:
  explicit UnimplementedOtlpSource(std::unique_ptr<LineReader> reader)
      : reader_(std::move(reader)), status_(Status::Internal(reader_->path() + ": OTLP input is not implemented yet")) {}
  bool Next(TraceRecord&) override { return false; }
  Status status() const override { return status_; }
  const std::string& path() const override { return reader_->path(); }
 private:
  std::unique_ptr<LineReader> reader_;
  Status status_;
};
}  // namespace

std::unique_ptr<TraceSource> MakeOtlpSource(std::unique_ptr<LineReader> reader,
                                            const SourceOptions&) {
  return std::make_unique<UnimplementedOtlpSource>(std::move(reader));
}

}  // namespace arbiter
