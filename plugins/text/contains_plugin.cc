#include "plugins/text/contains_plugin.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "plugins/text/pattern_list.h"
#include "runner/plugin_api/param_reader.h"
#include "runner/plugin_api/text_target.h"

namespace arbiter {
namespace {

constexpr char kParamsSchema[] = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "required": ["phrases"],
  "properties": {
    "phrases": {
      "description": "Literal phrases to look for in the target text.",
      "oneOf": [{"type": "string", "minLength": 1},
                {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}]
    },
    "match": {"enum": ["any", "all", "none"], "default": "any",
              "description": "Which phrases must occur for the trace to pass."},
    "case_insensitive": {"type": "boolean", "default": false},
    "fold_whitespace": {"type": "boolean", "default": true,
                        "description": "A whitespace run in a phrase matches any whitespace run."}
  }
})json";

// The RE2 pattern that finds `phrase` literally; with `fold_whitespace` each whitespace run
// becomes "one or more whitespace code points".
std::string PhrasePattern(std::string_view phrase, bool fold_whitespace) {
  if (!fold_whitespace) return RE2::QuoteMeta(phrase);
  std::string pattern;
  size_t literal_start = 0;
  size_t i = 0;
  while (i < phrase.size()) {
    size_t space = WhitespaceLength(phrase, i);
    if (space == 0) {
      ++i;
      continue;
    }
    pattern += RE2::QuoteMeta(phrase.substr(literal_start, i - literal_start));
    while (i < phrase.size() && (space = WhitespaceLength(phrase, i)) > 0) i += space;
    pattern.append(kWhitespaceClass);
    pattern += '+';
    literal_start = i;
  }
  pattern += RE2::QuoteMeta(phrase.substr(literal_start));
  return pattern;
}

class ContainsEvaluator : public Evaluator {
 public:
  ContainsEvaluator(TextTarget target, std::vector<std::string> phrases, PatternList patterns,
                    MatchMode mode)
      : target_(std::move(target)),
        phrases_(std::move(phrases)),
        patterns_(std::move(patterns)),
        mode_(mode) {}

  Result<Score> Evaluate(const Trace& trace, const EvalContext& /*ctx*/) const override {
    std::string scratch;
    ARBITER_ASSIGN_OR_RETURN(std::string_view text, target_.Text(trace, scratch));
    if (mode_ == MatchMode::kAll) {
      int missing = patterns_.FirstMissing(text);
      if (missing >= 0) return Score{0.0, "phrase " + Excerpt(phrases_[missing]) + " not found"};
      return Score{1.0, "all " + std::to_string(phrases_.size()) + " phrases found"};
    }
    PatternList::Match match = patterns_.FirstMatch(text);
    if (match.index < 0) {
      std::string reason = phrases_.size() == 1 ? "phrase " + Excerpt(phrases_[0]) + " not found"
                                                : "none of the " + std::to_string(phrases_.size()) +
                                                      " phrases found";
      return Score{mode_ == MatchMode::kNone ? 1.0 : 0.0, std::move(reason)};
    }
    std::string reason = "found phrase " + Excerpt(phrases_[match.index]);
    // Name the text as written when folding made it differ from the phrase.
    if (match.text != phrases_[match.index]) reason += " as " + Excerpt(match.text);
    return Score{mode_ == MatchMode::kAny ? 1.0 : 0.0, std::move(reason)};
  }

 private:
  TextTarget target_;
  std::vector<std::string> phrases_;
  PatternList patterns_;
  MatchMode mode_;
};

Result<std::unique_ptr<Evaluator>> CreateContains(const EvaluatorSpec& spec) {
  ParamReader params(spec);
  std::vector<std::string> phrases = params.StringList("phrases", /*required=*/true);
  YAML::Node phrases_node = params.Node("phrases");
  MatchMode mode = MatchModeFromName(params.Choice("match", MatchModeNames(), "any"));
  PatternList::Options options;
  options.case_insensitive = params.Bool("case_insensitive", false);
  options.allow_set = mode != MatchMode::kAll;
  bool fold_whitespace = params.Bool("fold_whitespace", true);
  ARBITER_RETURN_IF_ERROR(params.Finish());

  std::vector<std::string> patterns;
  for (size_t i = 0; i < phrases.size(); ++i) {
    if (phrases[i].empty()) {
      // An empty phrase occurs in every text: a typo, never a useful check.
      return spec.ErrorAt(phrases_node.IsSequence() ? phrases_node[i] : phrases_node,
                          "empty phrase");
    }
    patterns.push_back(PhrasePattern(phrases[i], fold_whitespace));
  }
  PatternList list(patterns, options);
  if (!list.ok()) {  // quoted literals compile unless not UTF-8 or past RE2's size limit
    size_t bad = static_cast<size_t>(list.bad_index());
    return spec.ErrorAt(phrases_node.IsSequence() ? phrases_node[bad] : phrases_node,
                        "phrase " + Excerpt(phrases[bad]) + " cannot be searched: " + list.error());
  }
  return std::unique_ptr<Evaluator>(std::make_unique<ContainsEvaluator>(
      TextTarget(spec), std::move(phrases), std::move(list), mode));
}

}  // namespace

PluginInfo ContainsPlugin() {
  PluginInfo info;
  info.name = "contains";
  info.version = 1;
  info.description = "Literal phrases over a text target; passes when any, all or none occur.";
  info.params_schema = kParamsSchema;
  info.create = CreateContains;
  return info;
}

}  // namespace arbiter
