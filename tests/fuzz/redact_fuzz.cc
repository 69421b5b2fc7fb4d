// PII redaction of arbitrary text (every pattern and checksum) and of a trace file through
// `arbiter redact`'s stream (nesting limit, repeated keys).
#include <cstdio>

#include "runner/base/atomic_file.h"
#include "runner/redact/redactor.h"
#include "runner/redact/stream.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  static const Redactor redactor;
  static std::FILE* sink = std::fopen("/dev/null", "w");
  std::string_view text = fuzz::AsText(data, size);
  RedactionCounts counts;
  (void)redactor.Redact(text, counts);
  std::string path = fuzz::WriteScratch("redact-in.jsonl", text).string();
  Result<std::unique_ptr<AtomicFile>> out =
      AtomicFile::Create(fuzz::ScratchDir() / "redact-out.jsonl");
  if (out.ok() && RedactTraces({path}, redactor, **out, sink).ok()) (void)(*out)->Commit();
  return 0;
}
