// Label files for `labels import`: CSV (RFC 4180 quoting, a byte-order mark) or JSONL, chosen
// by the first byte of the input so one corpus covers both readers.
#include "runner/labels/label.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  if (size == 0) return 0;
  const char* name = (data[0] & 1) ? "labels.csv" : "labels.jsonl";
  auto path = fuzz::WriteScratch(name, fuzz::AsText(data + 1, size - 1));
  LabelFileOptions options{"fuzz", "2026-01-01T00:00:00Z"};
  if (Result<std::vector<Label>> labels = ReadLabelFile(path, options); labels.ok()) {
    (void)LabelsJsonl(*labels);
  }
  return 0;
}
