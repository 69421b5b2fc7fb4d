// `arbiter generate` as one library call: a label set and the trace files it labels in, the
// candidate search per failure mode (candidate_search.h), the drafts and generate.md written
// atomically into the output folder. The command keeps the flags and the terminal.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "runner/base/status.h"
#include "runner/generate/candidate_search.h"
#include "runner/labels/label_store.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/suite/suite.h"

namespace arbiter {

struct GenerateOptions {
  std::string labels;  // NAME@vN
  std::string labels_root = kDefaultLabelRoot;
  std::vector<std::string> traces;
  std::filesystem::path out;
  std::string suite_file;  // for generate.md; the suite itself is passed to Generate
  SearchOptions search;
  // Runs each judge draft over the held-out labels (its endpoint must be configured: a judge it
  // would skip is an InvalidArgument) and reports its MCC beside the rules'.
  bool calibrate_judge = false;
  std::FILE* diagnostics = stderr;  // skipped trace records
};

struct GenerateRun {
  std::string label_set;
  std::vector<ModeResult> modes;
  std::vector<std::filesystem::path> written;  // the drafts, in order
  size_t traces_found = 0, traces_labeled = 0;
  uint64_t skipped_records = 0;
};

// Loads the label set, reads the traces once, searches and writes DIR/<mode>-<kind>.yaml for
// each written draft and DIR/generate.md. `suite` (may be null) supplies signal_mcc (unless the
// options set their own) and the evaluators reported beside the drafts. A problem the user must
// fix is InvalidArgument; a failure to read or write is another code.
Result<GenerateRun> Generate(const GenerateOptions& options, const PluginRegistry& registry,
                             const Suite* suite);

}  // namespace arbiter
