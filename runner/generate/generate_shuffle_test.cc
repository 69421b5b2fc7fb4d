// The search must not find agreement in noise: the seed labels shuffled within each failure
// mode, 100 times, and generate writes nothing for at least 95 of them. Labelled `slow` (about
// 20 s); the traces stay in memory, read once.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "runner/calibration/calibration.h"
#include "runner/generate/generate_test_util.h"

namespace arbiter {
namespace {

// The labels of every failure mode shuffled among its traces: whatever the search finds is
// noise, and it must write nothing for at least 95 of 100 seeds.
TEST_F(SeedSearch, ShuffledLabelsWriteNothing) {
  int quiet = 0;
  std::string written;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    std::vector<Label> shuffled = *labels_;
    std::map<std::string, std::vector<size_t>> by_mode;
    for (size_t i = 0; i < shuffled.size(); ++i) by_mode[shuffled[i].failure_mode].push_back(i);
    std::mt19937_64 rng(seed);
    for (auto& [mode, rows] : by_mode) {
      std::vector<std::string> values;
      for (size_t i : rows) values.push_back(shuffled[i].label);
      for (size_t i = values.size(); i > 1; --i) std::swap(values[i - 1], values[rng() % i]);
      for (size_t k = 0; k < rows.size(); ++k) shuffled[rows[k]].label = values[k];
    }
    Result<std::vector<ModeResult>> modes =
        SearchDrafts(BuildConsensus(shuffled), *traces_, *registry_, nullptr, SearchOptions());
    ASSERT_TRUE(modes.ok());
    bool any = false;
    for (const ModeResult& m : *modes) {
      for (const DraftCandidate& c : m.candidates) {
        if (!c.written) continue;
        any = true;
        written += "seed " + std::to_string(seed) + ": " + m.failure_mode + " " + c.kind + " " +
                   c.summary + "\n";
      }
    }
    quiet += !any;
  }
  RecordProperty("quiet_seeds", quiet);
  EXPECT_GE(quiet, 95) << written;
}

}  // namespace
}  // namespace arbiter
