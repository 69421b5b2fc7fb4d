// The agent's final answer: plain text or a JSON object, in the user's language, with the
// answer-level failure modes (invented citation, PII, refusal, overlength, runaway length,
// invalid JSON, an ignored tool error) injected exactly when the spec says so.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/demo/demo_content.h"
#include "datasets/demo/demo_rng.h"
#include "datasets/demo/demo_template.h"

namespace arbiter::demo {

// Answer lengths, in Unicode code points (what evaluators count).
inline constexpr int kSummaryThreshold = 1200;  // longer answers need a summary line
inline constexpr int kHardMaxChars = 3000;      // evaluators/answer-max-length.yaml

struct AnswerSpec {
  const Intent* intent = nullptr;
  Lang lang = kEn;
  bool json = false;      // metadata.response_format == "json"
  bool escalate = false;  // the JSON answer's `escalate`
  // Reads kRefusal, kInventedCitation, kPiiLeak, kOverlengthNoSummary, kAnswerTooLong,
  // kInvalidJson and kToolErrorUnacknowledged.
  std::array<bool, kFailureCount> injected{};
  std::vector<std::string> doc_ids;  // the retrieved documents' ids (doc0.. when implicit)
  std::vector<const Doc*> docs;      // the same documents, for long answers' excerpts
  std::string invented_id;           // a document id that was not retrieved
  std::vector<std::string_view> failed_tools;  // acknowledged unless kToolErrorUnacknowledged
  std::string pii;                             // the leaked value, with kPiiLeak
  int pii_kind = 0;                            // 0 email, 1 phone, 2 card
};

// Writes `vars.cite`, `vars.cite2` and `vars.tool` as it goes. Never returns an empty answer.
std::string BuildAnswer(const AnswerSpec& spec, Vars& vars, DemoRng& rng);

}  // namespace arbiter::demo
