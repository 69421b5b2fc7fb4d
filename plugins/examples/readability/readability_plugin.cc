// `readability`: an external evaluator plugin, built as libreadability.so against the SDK
// only (plugins/sdk), loaded by arbiter through dlopen. Scores the declaration's `target` text
// by Flesch reading ease, clamped to [0, 100] and divided by 100: 0.6 is plain English, 0.3
// college level.
#include <nlohmann/json.hpp>

#include "arbiter_plugin.hpp"
#include "plugins/examples/readability/flesch.h"

namespace {

class Readability {
 public:
  static constexpr const char* kName = "readability";
  static constexpr uint32_t kVersion = 1;
  static constexpr const char* kDescription =
      "Flesch reading ease of the target text (English), as a score in [0, 1]";
  static constexpr const char* kParamsSchema = R"json({
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "min_words": {"type": "integer", "minimum": 1, "default": 5,
                    "description": "Texts with fewer words cannot be judged (an error row)."}
    }
  })json";
  // Score keeps no state; the text to judge is the declaration's `target`.
  static constexpr uint32_t kFlags = ARBITER_THREAD_SAFE | ARBITER_REQUIRES_TARGET;

  explicit Readability(const arbiter_sdk::Config& config) {
    // The host checked the params against kParamsSchema: the type is right when present.
    nlohmann::json params = nlohmann::json::parse(config.params_json);
    min_words_ = params.value("min_words", 5);
  }

  arbiter_sdk::Score Score(const arbiter_sdk::TraceView& trace) const {
    readability::TextCounts counts = readability::Count(trace.target);
    if (counts.words < min_words_) {
      throw arbiter_sdk::CannotJudge("too short to judge: " + std::to_string(counts.words) +
                                     " words, min_words is " + std::to_string(min_words_));
    }
    double ease = readability::ReadingEase(counts);
    return {readability::EaseScore(ease), readability::Reason(counts, ease)};
  }

 private:
  int min_words_ = 5;
};

}  // namespace

ARBITER_PLUGIN(Readability)
