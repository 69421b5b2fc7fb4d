// The scorecard of a run (SPEC "scorecard.json"): per evaluator, traces judged, errors, mean
// score, pass rate with its Wilson 95% interval, overall and per stratum value. Built from the
// scored traces in input order, so sums (and so every printed figure) do not depend on threads.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/suite.h"
#include "runner/trace_scorer.h"

namespace arbiter {

class ScorecardBuilder {
 public:
  explicit ScorecardBuilder(const Suite& suite);

  void AddTrace(const TraceResult& trace);
  void AddInput(const std::string& path, const std::string& sha256);

  uint64_t traces() const { return traces_; }
  uint64_t trace_errors() const { return trace_errors_; }

  // scorecard.json: the document SPEC describes, keys in its order.
  nlohmann::ordered_json Json() const;
  // scorecard.md: the same figures for people (a pull-request comment, a CI summary).
  std::string Markdown() const;

 private:
  struct Tally {
    uint64_t n = 0;       // judged (scored) traces
    uint64_t errors = 0;
    uint64_t passes = 0;
    double score_sum = 0.0;
  };
  struct EvaluatorTally {
    Tally all;
    // stratum path index -> value -> tally (std::map: reports list values sorted)
    std::vector<std::map<std::string, Tally>> strata;
  };

  const Suite& suite_;
  uint64_t traces_ = 0;
  uint64_t trace_errors_ = 0;
  std::vector<std::pair<std::string, std::string>> inputs_;
  std::vector<EvaluatorTally> tallies_;
};

}  // namespace arbiter
