// Judge rubrics: the front matter (id, version, scale, output fields) and the body.
#include "plugins/llm_judge/rubric.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  std::string text(fuzz::AsText(data, size));
  (void)ParseRubric(text, "rubric.md");
  return 0;
}
