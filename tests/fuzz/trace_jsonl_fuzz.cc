// Trace files as every command reads them: line splitting, the byte-order mark, the line limit,
// OTLP detection and assembly, then each trace's validation and a path lookup, as scoring does.
#include <cstdio>

#include <simdjson.h>

#include "runner/source/trace_records.h"
#include "runner/trace/trace_path.h"
#include "runner/trace/trace_validator.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  std::string path = fuzz::WriteScratch("traces.jsonl", fuzz::AsText(data, size)).string();
  static std::FILE* sink = std::fopen("/dev/null", "w");
  static const TracePath intent = TracePath::Parse("metadata.intent").value();
  simdjson::dom::parser parser;
  // Blocks of 4 KiB, not the default 2 MiB huge page: lines cross block boundaries at these
  // sizes, and an input no longer costs a huge allocation and its page faults (under the
  // sanitizers, 30 inputs a second instead of thousands).
  SourceOptions options;
  options.block_bytes = 4096;
  uint64_t skipped = 0;
  InputRecordHandler check = [&](size_t, const TraceRecord& record) {
    simdjson::dom::element root;
    if (parser.parse(record.json).get(root)) return Result<std::string>(std::string("not JSON"));
    std::string_view trace_id;
    std::optional<simdjson::dom::element> sample;
    if (!ValidateTrace(root, trace_id, &sample).ok())
      return Result<std::string>(std::string("bad"));
    (void)intent.Lookup(root);
    return Result<std::string>(std::string());
  };
  Status status = ForEachTraceRecord({path}, sink, skipped, check, options);
  (void)status;
  return 0;
}
