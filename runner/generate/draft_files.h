// What `arbiter generate` writes: one evaluator YAML per written draft (DIR/<mode>-<kind>.yaml,
// docs/GENERATE.md "Drafts") and generate.md, the ranking of every candidate per failure mode.
// Pure text from the search's results: the same results give the same bytes.
#pragma once

#include <string>
#include <vector>

#include "runner/generate/candidate_search.h"

namespace arbiter {

// `text` as a YAML single-quoted scalar on one line (quotes doubled, line breaks as spaces).
std::string YamlQuoted(const std::string& text);

// `text` in id characters: lower case letters and digits, anything else '-'.
std::string IdText(const std::string& text);

// The id and file stem of a draft: "<failure-mode>-<kind>" in id characters.
std::string DraftId(const std::string& failure_mode, const std::string& kind);

// The evaluator YAML of a written draft, its evidence in comments.
std::string DraftYaml(const std::string& label_set, const ModeResult& mode,
                      const DraftCandidate& candidate);

struct ReportContext {
  std::string label_set;
  std::string suite;  // the --suite file, empty when none
  double signal_mcc = 0.4;
  size_t traces_found = 0, traces_labeled = 0;
};

// generate.md.
std::string GenerateMarkdown(const ReportContext& context, const std::vector<ModeResult>& modes);

}  // namespace arbiter
