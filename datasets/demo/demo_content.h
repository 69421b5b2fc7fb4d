// The demo dataset's vocabulary: intents with their tools, texts in five languages, knowledge-base
// documents and the failure modes injected at per-intent rates. Data only; the generator
// (demo_generator.h) decides how they combine. Texts are templates whose {placeholders} are
// filled by Expand (demo_template.h).
#pragma once

#include <array>
#include <string_view>
#include <vector>

namespace arbiter::demo {

enum Lang : int { kEn, kDe, kFr, kEs, kJa };
inline constexpr int kLangCount = 5;

// The injected failure modes. Each tag is written to truth.jsonl and is the `failure_mode` of the
// evaluator in evaluators/ that detects it, so label sets built from the truth name the same mode.
enum Failure : int {
  kInventedCitation,         // cites a [docN] / [KB-N] that was not retrieved
  kWrongTool,                // the intent's required tool replaced by another intent's tool
  kOverlengthNoSummary,      // text answer over 1200 characters without a summary line
  kInvalidJson,              // response_format json, answer not valid JSON / not the schema
  kPiiLeak,                  // an email, phone number or card number in the answer
  kRefusal,                  // "I'm sorry, but I can't help with that" on a normal request
  kToolArgumentError,        // a tool call missing a required argument or with a wrong type
  kRepeatedToolCall,         // the same call (name and arguments) made more than once
  kToolErrorUnacknowledged,  // a tool call failed and the answer does not say so
  kAnswerTooLong,            // runaway answer over the 3000-character hard limit
};
inline constexpr int kFailureCount = 10;
inline constexpr std::array<std::string_view, kFailureCount> kFailureTags = {
    "invented-citation",   "wrong-tool",         "overlength-no-summary",
    "invalid-json",        "pii-leak",           "refusal",
    "tool-argument-error", "repeated-tool-call", "tool-error-unacknowledged",
    "answer-too-long"};

// Per-trace probabilities, indexed by Failure. kInvalidJson is a rate among json answers only;
// the others are rates among the traces where the mode can occur (README "Injected failures").
using Rates = std::array<double, kFailureCount>;

using Phrases = std::vector<std::string_view>;

struct Doc {
  int kb_number;  // the document's id when a trace uses KB-style ids: "KB-<kb_number>"
  std::string_view title;
  std::string_view content;
};

// One intent's texts in one language. Outcomes state the result and hold a {cite} slot;
// details add context and may hold a {cite2} slot.
struct IntentText {
  Phrases questions;
  Phrases outcomes;
  Phrases details;
};

struct Intent {
  std::string_view name;
  double weight;                  // share of traces
  std::string_view primary_tool;  // every correct trace calls it (evaluators/tool-choice.yaml)
  Phrases helper_tools;           // each called before the primary with probability 1/2
  Rates rates;
  std::array<IntentText, kLangCount> text;
  std::vector<Doc> docs;  // English knowledge base articles for this intent
};

// Intent-independent phrases of one language.
struct Locale {
  std::string_view code;  // metadata.language
  std::string_view name;  // as the system prompt names it
  Phrases greetings;
  Phrases closings;
  Phrases summary_labels;   // start of a summary line; evaluators/overlength_summary.lua knows them
  Phrases tool_error_acks;  // hold {tool}; evaluators/tool_error_acknowledged.lua knows the markers
  Phrases long_details;     // filler for long answers
  Phrases refusals;
  Phrases pii_email;  // each holds {pii}: an email address,
  Phrases pii_phone;  // a phone number,
  Phrases pii_card;   // a card number
  Phrases feedback_up;
  Phrases feedback_down;
  std::string_view json_prose;  // a chatty preamble that makes a json answer invalid
};

const std::vector<Intent>& Intents();
const Locale& LocaleFor(Lang lang);
// Articles any intent may retrieve as a weaker match.
const std::vector<Doc>& GeneralDocs();

}  // namespace arbiter::demo
