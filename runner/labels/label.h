// Human labels (SPEC "Label set"): one reviewer's judgment of one trace for one failure mode,
// read from the CSV or JSONL a labeling tool exports.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runner/base/status.h"

namespace arbiter {

struct Label {
  std::string trace_id;
  std::string failure_mode;
  std::string label;  // "pass", "fail", or a number on the rubric's graded scale (as written)
  std::string reviewer;
  std::string labeled_at;
  std::string note;
  uint64_t line = 0;  // where it was read, for messages (not stored)

  bool graded() const { return label != "pass" && label != "fail"; }
  // The graded value. REQUIRES: graded() and the label was validated. strtod, not std::stod,
  // which throws on a value that underflows ("1e-400"), one that strtod reads as 0.
  double value() const { return std::strtod(label.c_str(), nullptr); }
};

struct LabelFileOptions {
  // The reviewer of rows that name none (`arbiter labels import --reviewer`).
  std::string default_reviewer;
  // The labeled_at of rows that give none.
  std::string default_labeled_at;
};

// Reads a label file: JSONL (one SPEC label row per line) when the name ends in .jsonl/.json or
// the first non-blank byte is '{', else CSV with a header naming the columns trace_id,
// failure_mode, label and optionally reviewer, labeled_at, note (RFC 4180 quoting, one record
// per line). Every bad row is an error "FILE:LINE: reason"; all of them are reported at once.
// A (trace_id, failure_mode, reviewer) given twice, or a failure mode mixing pass/fail with
// graded numbers, is an error too.
Result<std::vector<Label>> ReadLabelFile(const std::filesystem::path& path,
                                         const LabelFileOptions& options);

// Checks the rows together (duplicates, a failure mode mixing pass/fail and graded values).
// `source` names the file in messages.
Status CheckLabels(const std::vector<Label>& labels, const std::string& source);

// The canonical labels.jsonl text: rows sorted by failure mode, trace id, reviewer, keys in the
// SPEC's order.
std::string LabelsJsonl(std::vector<Label> labels);

}  // namespace arbiter
