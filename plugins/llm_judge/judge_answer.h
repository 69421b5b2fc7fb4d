// Reading a judge model's answer: the JSON object {"score": ..., "reason": ...}, found in the
// text even when wrapped in a code fence or surrounded by prose, checked against the rubric's
// scale and normalized to [0, 1].
#pragma once

#include <string>
#include <string_view>

#include "plugins/llm_judge/rubric.h"
#include "runner/base/status.h"

namespace arbiter {

struct JudgeAnswer {
  double raw = 0.0;    // on the rubric's scale
  double score = 0.0;  // normalized: binary as is, 1-5 as (s - 1) / 4, 0-1 as is
  std::string reason;  // "" when the judge gave none
};

// The first JSON object in `text` with a `score` member. Errors (both retried once by the
// plugin): "no JSON object with a score in the answer: '...'" and "score 7 is outside the
// 1-5 scale".
Result<JudgeAnswer> ParseJudgeAnswer(std::string_view text, JudgeScale scale);

}  // namespace arbiter
