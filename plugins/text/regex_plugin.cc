#include "plugins/text/regex_plugin.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "plugins/text/pattern_list.h"
#include "runner/plugin_api/param_reader.h"
#include "runner/plugin_api/text_target.h"

namespace arbiter {
namespace {

constexpr char kParamsSchema[] = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "required": ["patterns"],
  "properties": {
    "patterns": {
      "description": "RE2 patterns, compiled when the evaluator is created.",
      "oneOf": [{"type": "string", "minLength": 1},
                {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}]
    },
    "match": {"enum": ["any", "all", "none"], "default": "any",
              "description": "Which patterns must match for the trace to pass."},
    "case_insensitive": {"type": "boolean", "default": false}
  }
})json";

class RegexEvaluator : public Evaluator {
 public:
  RegexEvaluator(TextTarget target, PatternList patterns, MatchMode mode)
      : target_(std::move(target)), patterns_(std::move(patterns)), mode_(mode) {}

  Result<Score> Evaluate(const Trace& trace, const EvalContext& /*ctx*/) const override {
    std::string scratch;
    ARBITER_ASSIGN_OR_RETURN(std::string_view text, target_.Text(trace, scratch));
    if (mode_ == MatchMode::kAll) {
      int missing = patterns_.FirstMissing(text);
      if (missing >= 0) return Score{0.0, "pattern " + Quoted(missing) + " did not match"};
      return Score{1.0, "all " + std::to_string(patterns_.size()) + " patterns matched"};
    }
    PatternList::Match match = patterns_.FirstMatch(text);
    if (match.index < 0) {
      return Score{mode_ == MatchMode::kNone ? 1.0 : 0.0, NoneMatched()};
    }
    return Score{mode_ == MatchMode::kAny ? 1.0 : 0.0,
                 "pattern " + Quoted(match.index) + " matched " + Excerpt(match.text)};
  }

 private:
  std::string Quoted(int index) const { return Excerpt(patterns_.pattern(index)); }
  std::string NoneMatched() const {
    if (patterns_.size() == 1) return "pattern " + Quoted(0) + " did not match";
    return "none of the " + std::to_string(patterns_.size()) + " patterns matched";
  }

  TextTarget target_;
  PatternList patterns_;
  MatchMode mode_;
};

// The YAML node of list item `index` (the node itself when `list` is a single string).
YAML::Node Item(const YAML::Node& list, size_t index) {
  return list.IsSequence() ? list[index] : list;
}

Result<std::unique_ptr<Evaluator>> CreateRegex(const EvaluatorSpec& spec) {
  ParamReader params(spec);
  std::vector<std::string> patterns = params.StringList("patterns", /*required=*/true);
  YAML::Node patterns_node = params.Node("patterns");
  MatchMode mode = MatchModeFromName(params.Choice("match", MatchModeNames(), "any"));
  PatternList::Options options;
  options.case_insensitive = params.Bool("case_insensitive", false);
  options.allow_set = mode != MatchMode::kAll;
  ARBITER_RETURN_IF_ERROR(params.Finish());

  for (size_t i = 0; i < patterns.size(); ++i) {
    // An empty pattern matches every text: a typo, never a useful check.
    if (patterns[i].empty()) return spec.ErrorAt(Item(patterns_node, i), "empty pattern");
  }
  PatternList list(patterns, options);
  if (!list.ok()) {
    size_t bad = static_cast<size_t>(list.bad_index());
    return spec.ErrorAt(Item(patterns_node, bad),
                        "bad pattern '" + patterns[bad] + "': " + list.error());
  }
  return std::unique_ptr<Evaluator>(
      std::make_unique<RegexEvaluator>(TextTarget(spec), std::move(list), mode));
}

}  // namespace

PluginInfo RegexPlugin() {
  PluginInfo info;
  info.name = "regex";
  info.version = 1;
  info.description = "RE2 patterns over a text target; passes when any, all or none match.";
  info.params_schema = kParamsSchema;
  info.create = CreateRegex;
  return info;
}

}  // namespace arbiter
