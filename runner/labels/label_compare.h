// Comparing labels: two versions of a label set (`arbiter labels diff`) and reviewers with each
// other (`arbiter labels agreement`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/labels/label.h"

namespace arbiter {

struct LabelDiff {
  std::vector<Label> added;                      // in the newer version only
  std::vector<Label> removed;                    // in the older version only
  std::vector<std::pair<Label, Label>> flipped;  // same trace, mode and reviewer; new value
};

// Labels are matched by trace id, failure mode and reviewer.
LabelDiff DiffLabels(const std::vector<Label>& older, const std::vector<Label>& newer);

struct ModeAgreement {
  std::string failure_mode;
  std::vector<std::string> reviewers;
  size_t traces = 0;            // traces with labels for the mode
  size_t shared_traces = 0;     // traces with two or more reviewers
  std::optional<double> kappa;  // Cohen's kappa, exactly two reviewers, on the traces both labeled
  std::optional<double> alpha;  // Krippendorff's alpha (nominal), any number of reviewers
};

// Per failure mode, sorted by name.
std::vector<ModeAgreement> ReviewerAgreement(const std::vector<Label>& labels);

}  // namespace arbiter
