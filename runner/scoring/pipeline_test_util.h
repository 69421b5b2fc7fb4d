// Runs the scoring pipeline in process and collects what `arbiter run` would write, for tests
// that compare outputs across thread counts, batch sizes or plugin timing.
#pragma once

#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "runner/scoring/run_pipeline.h"
#include "runner/scoring/scorecard.h"

namespace arbiter::testing {

// The scores.jsonl rows and the scorecard JSON of `suite` over `path`.
inline std::pair<std::string, std::string> RunAndCollect(const Suite& suite,
                                                         const std::string& path, int threads,
                                                         size_t batch_size) {
  PipelineOptions options;
  options.threads = threads;
  options.batch_size = batch_size;
  std::string rows;
  ScorecardBuilder scorecard(suite);
  PipelineCallbacks callbacks;
  callbacks.input_done = [&](const InputDone& done) { scorecard.AddInput(done.path, done.sha256); };
  callbacks.batch = [&](ScoredBatch& batch) {
    rows += batch.rows;
    for (const TraceResult& trace : batch.traces) scorecard.AddTrace(trace);
    return Status::OK();
  };
  Status status = RunPipeline(suite, {path}, options, callbacks);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return {rows, scorecard.Json().dump()};
}

}  // namespace arbiter::testing
