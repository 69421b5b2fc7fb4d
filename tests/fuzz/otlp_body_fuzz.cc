// One OTLP/HTTP request body as `arbiter serve` decodes it (the first byte picks the content type:
// even for application/x-protobuf, odd for application/json), then the spans it held mapped to
// arbiter traces, one trace at a time as the live assembler hands them over. Protobuf files
// (`run --format otlp` on .pb) and OTLP/gRPC calls go through the same protobuf reader.
#include <map>
#include <string>
#include <vector>

#include "runner/serve/otlp_http.h"
#include "runner/source/otlp/mapping.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  if (size == 0) return 0;
  bool json = (data[0] & 1) != 0;
  ExportSpans decoded;
  std::string error;
  if (!DecodeOtlpBody(fuzz::AsText(data + 1, size - 1), json, decoded, error)) return 0;
  std::map<std::string, std::vector<OtlpSpan>> traces;
  for (OtlpSpan& span : decoded.spans) traces[span.trace_id].push_back(std::move(span));
  for (auto& [id, trace_spans] : traces) (void)MapOtlpTraceJson(trace_spans);
  return 0;
}
