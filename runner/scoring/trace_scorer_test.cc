#include "runner/scoring/trace_scorer.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;

// A plugin whose result is set by the test: the host's checks are what is under test.
class FixedEvaluator : public Evaluator {
 public:
  enum class Mode { kScore, kError, kThrow };
  FixedEvaluator(Mode mode, double value) : mode_(mode), value_(value) {}
  Result<Score> Evaluate(const Trace&, const EvalContext&) const override {
    if (mode_ == Mode::kError) return Status::NotFound("could not judge");
    if (mode_ == Mode::kThrow) throw std::runtime_error("boom");
    return Score{value_, "fixed"};
  }

 private:
  Mode mode_;
  double value_;
};

LoadedEvaluator Fixed(const std::string& id, FixedEvaluator::Mode mode, double value,
                      double threshold = 0.5) {
  LoadedEvaluator loaded;
  loaded.spec.id = id;
  loaded.spec.version = 2;
  loaded.spec.plugin = "fixed";
  loaded.spec.pass_threshold = threshold;
  loaded.evaluator = std::make_unique<FixedEvaluator>(mode, value);
  return loaded;
}

struct Scored {
  std::string rows;
  TraceResult result;
};

Scored ScoreOne(const Suite& suite, const std::string& json) {
  Scored out;
  simdjson::dom::parser parser;
  TraceScorer(suite).Score(json, 0, parser, out.rows, out.result);
  return out;
}

TEST(TraceScorerTest, WritesSpecRowsAndAppliesThreshold) {
  Suite suite;
  suite.evaluators.push_back(Fixed("a", FixedEvaluator::Mode::kScore, 0.75, 0.8));
  suite.evaluators.push_back(Fixed("b", FixedEvaluator::Mode::kScore, 0.8, 0.8));
  Scored scored = ScoreOne(suite, R"({"trace_id": "t-1"})");
  EXPECT_EQ(scored.rows,
            "{\"trace_id\": \"t-1\", \"evaluator\": \"a\", \"version\": 2, \"score\": 0.75, "
            "\"pass\": false, \"reason\": \"fixed\", \"error\": null}\n"
            "{\"trace_id\": \"t-1\", \"evaluator\": \"b\", \"version\": 2, \"score\": 0.8, "
            "\"pass\": true, \"reason\": \"fixed\", \"error\": null}\n");
  ASSERT_EQ(scored.result.outcomes.size(), 2u);
  EXPECT_EQ(scored.result.outcomes[0].kind, EvaluatorOutcome::Kind::kScored);
  EXPECT_FALSE(scored.result.outcomes[0].pass);
  EXPECT_TRUE(scored.result.outcomes[1].pass);
}

TEST(TraceScorerTest, BadScoresBecomeErrorRowsNamingThePlugin) {
  struct Case {
    FixedEvaluator::Mode mode;
    double value;
    std::string error;
  } cases[] = {
      {FixedEvaluator::Mode::kScore, std::nan(""), "plugin 'fixed' returned NaN"},
      {FixedEvaluator::Mode::kScore, 1.5, "plugin 'fixed' returned score 1.5, outside [0, 1]"},
      {FixedEvaluator::Mode::kScore, -0.25, "plugin 'fixed' returned score -0.25, outside [0, 1]"},
      {FixedEvaluator::Mode::kScore, std::numeric_limits<double>::infinity(),
       "plugin 'fixed' returned score inf, outside [0, 1]"},
      {FixedEvaluator::Mode::kError, 0, "could not judge"},
      {FixedEvaluator::Mode::kThrow, 0, "plugin 'fixed' threw: boom"},
  };
  for (const Case& c : cases) {
    Suite suite;
    suite.evaluators.push_back(Fixed("a", c.mode, c.value));
    Scored scored = ScoreOne(suite, R"({"trace_id": "t-9"})");
    EXPECT_EQ(scored.rows,
              "{\"trace_id\": \"t-9\", \"evaluator\": \"a\", \"version\": 2, "
              "\"score\": null, \"pass\": null, \"reason\": null, \"error\": \"" +
                  c.error + "\"}\n");
    EXPECT_EQ(scored.result.outcomes[0].kind, EvaluatorOutcome::Kind::kError);
  }
}

TEST(TraceScorerTest, BrokenTracesWriteNoRows) {
  Suite suite;
  suite.evaluators.push_back(Fixed("a", FixedEvaluator::Mode::kScore, 1.0));
  struct Case {
    std::string json, error;
  } cases[] = {
      {"{\"trace_id\": ", "not valid JSON"},
      {"[1, 2]", "a trace must be a JSON object, got an array"},
      {"{\"output\": \"x\"}", "missing required field 'trace_id'"},
      {"{\"trace_id\": \"\"}", "field 'trace_id' is empty"},
      {"{\"trace_id\": \"t\", \"messages\": \"hi\"}",
       "field 'messages' must be an array, got a string"},
      {"{\"trace_id\": \"t\", \"messages\": [{\"role\": 1}]}",
       "field 'messages[0].role' must be a string, got a number"},
      {"{\"trace_id\": \"t\", \"tool_calls\": [{\"name\": \"a\"}, 3]}",
       "field 'tool_calls[1]' must be an object, got a number"},
      {"{\"trace_id\": \"t\", \"usage\": {\"input_tokens\": \"many\"}}",
       "field 'usage.input_tokens' must be a number, got a string"},
      {"{\"trace_id\": \"t\", \"output\": \"\xff\"}", "not valid JSON"},
  };
  for (const Case& c : cases) {
    Scored scored = ScoreOne(suite, c.json);
    EXPECT_THAT(scored.result.error, HasSubstr(c.error)) << c.json;
    EXPECT_EQ(scored.rows, "") << c.json;
  }
}

TEST(TraceScorerTest, ReadsStrataAndAcceptsStringIntegers) {
  Suite suite;
  suite.strata.push_back(TracePath::Parse("metadata.intent").value());
  suite.strata.push_back(TracePath::Parse("usage.input_tokens").value());
  suite.strata.push_back(TracePath::Parse("metadata.language").value());
  suite.evaluators.push_back(Fixed("a", FixedEvaluator::Mode::kScore, 1.0));
  Scored scored = ScoreOne(
      suite,
      R"({"trace_id": "t", "metadata": {"intent": "billing", "language": null}, "usage": {"input_tokens": "9007199254740993"}})");
  ASSERT_EQ(scored.result.error, "");
  EXPECT_EQ(scored.result.strata, (std::vector<std::string>{"billing", "9007199254740993",
                                                            std::string(kMissingStratum)}));
}

}  // namespace
}  // namespace arbiter
