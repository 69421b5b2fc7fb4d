// One OTLP/JSON document (a request body, a file-exporter line) through the reader and the
// mapping to arbiter traces, one trace at a time as the file reader assembles them.
#include <map>
#include <string>
#include <vector>

#include <simdjson.h>

#include "runner/source/otlp/document.h"
#include "runner/source/otlp/mapping.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::padded_string text(fuzz::AsText(data, size));
  if (parser.parse(text).get(root)) return 0;
  std::vector<OtlpSpan> spans;
  std::vector<std::string> problems;
  ReadOtlpDocument(root, spans, problems);
  std::map<std::string, std::vector<OtlpSpan>> traces;
  for (OtlpSpan& span : spans) traces[span.trace_id].push_back(std::move(span));
  for (auto& [id, trace_spans] : traces) (void)MapOtlpTraceJson(trace_spans);
  return 0;
}
