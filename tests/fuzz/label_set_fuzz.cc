// A label set on disk as `labels verify` and `calibrate` load it: the input is manifest.json,
// then a line "----", then labels.jsonl (both untrusted: a set can come from anywhere).
#include <filesystem>

#include "runner/labels/label_store.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  auto [manifest, labels] = fuzz::SplitAt(fuzz::AsText(data, size), "\n----\n");
  std::filesystem::create_directories(fuzz::ScratchDir() / "sets" / "fz" / "v1");
  fuzz::WriteScratch("sets/fz/v1/manifest.json", manifest);
  fuzz::WriteScratch("sets/fz/v1/labels.jsonl", labels);
  LabelStore store(fuzz::ScratchDir() / "sets");
  LabelSetRef ref{"fz", 1};
  (void)store.Verify(ref);
  (void)store.Load(ref);
  (void)ParseLabelSetRef(manifest.substr(0, 80));
  return 0;
}
