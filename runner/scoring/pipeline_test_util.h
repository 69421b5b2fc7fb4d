// Runs a suite in process through RunSuite, the function `arbiter run` calls, and collects what
// it wrote, for tests that compare outputs across thread counts, batch sizes or plugin timing.
#pragma once

#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runner/scoring/run_suite.h"
#include "tests/test_util.h"

namespace arbiter::testing {

// The scores.jsonl rows and the scorecard JSON (compact) of `suite` over `path`.
inline std::pair<std::string, std::string> RunAndCollect(const Suite& suite,
                                                         const std::string& path, int threads,
                                                         size_t batch_size) {
  TempDir out;
  RunSuiteOptions options;
  options.traces = {path};
  options.out = out.path();
  options.threads = threads;
  options.batch_size = batch_size;
  Result<RunSuiteResult> run = RunSuite(suite, options);
  EXPECT_TRUE(run.ok()) << run.status().ToString();
  std::string card = ReadFile(out.path() / "scorecard.json");
  return {ReadFile(out.path() / "scores.jsonl"),
          card.empty() ? card : nlohmann::ordered_json::parse(card).dump()};
}

}  // namespace arbiter::testing
