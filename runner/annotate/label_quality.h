// Label quality checks shared by `arbiter annotate` and `arbiter labels import` (issue 17, item
// 6): a label must name a failure mode that the suite declares or that the label set already
// holds, a trace that the traces hold, and a value on its failure mode's scale.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "runner/base/status.h"
#include "runner/labels/label.h"

namespace arbiter {

// How a failure mode is judged: pass/fail, or a value on a judge rubric's graded scale.
enum class LabelScale { kBinary, kOneToFive, kUnit };
const char* LabelScaleName(LabelScale scale);  // "binary", "1-5", "0-1"
std::optional<LabelScale> ParseLabelScale(const std::string& text);

// OK when `label` ("pass", "fail" or a number as written) fits `scale`; else the reason.
Status CheckLabelValue(const std::string& label, LabelScale scale);

struct LabelQualityRules {
  // The failure modes a label may name, with their scale. Empty with `check_modes` false: any.
  std::map<std::string, LabelScale> modes;
  bool check_modes = false;
  // --allow-new-failure-mode: an unknown mode is accepted (as binary, or graded by its values).
  bool allow_new_failure_mode = false;
  // The trace ids a label may name (--traces); nullopt: any.
  std::optional<std::unordered_set<std::string>> trace_ids;
};

// Every broken row as "SOURCE:LINE: reason", all at once (an InvalidArgument), naming the
// closest known failure mode where one is near.
Status CheckLabelQuality(const std::vector<Label>& labels, const LabelQualityRules& rules,
                         const std::string& source);

// The scale of a failure mode found only in existing labels: binary when every label is
// pass/fail, 1-5 when the graded ones are whole numbers from 1 to 5, else 0-1.
LabelScale ScaleOfLabels(const std::vector<Label>& labels, const std::string& failure_mode);

}  // namespace arbiter
