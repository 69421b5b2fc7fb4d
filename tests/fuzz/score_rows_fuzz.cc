// scores.jsonl rows as `calibrate --scores`, `gate` and `sample` read them.
#include "runner/scoring/score_rows.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  std::string path = fuzz::WriteScratch("scores.jsonl", fuzz::AsText(data, size)).string();
  size_t rows = 0;
  (void)ReadScoreRows(path, [&rows](ScoreRow&) { ++rows; });
  return 0;
}
