// The scorecard of a run (SPEC "scorecard.json"): per evaluator, traces judged, errors, mean
// score, pass rate with its Wilson 95% interval, overall and per stratum value. Built from the
// scored traces in input order, so sums (and so every printed figure) do not depend on threads.
//
// A sampled input (any trace with `_sample`, from `arbiter sample`) adds each evaluator's
// population_pass_rate and population_pass_rate_ci95, weighted back to the population per
// (stratum, failure, focus) cell (runner/stats/population_estimate.h), and a "sample" summary.
// Traces without `_sample` among sampled ones stand for themselves: weight 1, in one cell of their
// own. A trace whose `_sample` is malformed is scored as usual but left out of the population
// figures, and counted in the summary so the figure is never silently off.
//
// The same tallies say what made the run unreliable (run_warnings.h): both documents carry its
// warnings.
//
// Every tally adds: counts, exact sums (ExactSum) for scores and weights, per-stratum and
// per-cell tallies, bottom-k reason tallies (error and failing reasons, with a few trace ids
// each), the first failing traces in input order. So the builder's state can be written out (State)
// by a shard of a run and the states of all parts added in input order (MergeState) to give the
// scorecard that one run over all the inputs prints, byte for byte (`arbiter merge`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/base/exact_sum.h"
#include "runner/base/input_hash.h"
#include "runner/base/status.h"
#include "runner/plugin_api/evaluator.h"
#include "runner/scoring/run_warnings.h"
#include "runner/scoring/trace_scorer.h"
#include "runner/stats/population_estimate.h"
#include "runner/suite/suite.h"

namespace arbiter {

// What a scorecard says about a suite, apart from the tallies: enough to print it without the
// suite loaded (a merge of shards). Usage figures are the plugin's at the end of the run.
struct ScorecardEvaluator {
  std::string id;
  int version = 0;
  std::string plugin;
  std::string fingerprint;
  std::string skipped;  // LoadedEvaluator::skipped
  std::string when;     // the `when` condition's text; empty when it has none
  std::vector<UsageFigure> usage;
};

struct ScorecardSuite {
  std::string name;
  std::vector<std::string> strata;  // the paths' text
  std::vector<ScorecardEvaluator> evaluators;

  // `usage`: take each evaluator's usage figures now (at the end of a run; a judge has none
  // before PrepareRun).
  static ScorecardSuite Of(const Suite& suite, bool usage = false);
  nlohmann::ordered_json Json() const;
  static Result<ScorecardSuite> FromJson(const nlohmann::json& json);
};

class ScorecardBuilder {
 public:
  // `max_error_rate`: an evaluator's share of error rows above which the run warns. Usage
  // figures are read from the suite's evaluators when a document is made.
  explicit ScorecardBuilder(const Suite& suite, double max_error_rate = kDefaultMaxErrorRate);
  // A scorecard from tallies added with MergeState (usage as given in `suite`).
  ScorecardBuilder(ScorecardSuite suite, double max_error_rate);

  void AddTrace(const TraceResult& trace);
  // `hash`: the input's content hash, of the construction set_input_hash names (input_hash.h).
  void AddInput(const std::string& path, const std::string& hash);
  void set_input_hash(InputHashKind kind) { input_hash_ = kind; }

  uint64_t traces() const { return traces_; }
  uint64_t trace_errors() const { return trace_errors_; }
  // Whether any trace had `_sample`; then the counts of traces without one, and of traces whose
  // `_sample` was malformed.
  bool sampled() const { return marked_ > 0; }
  uint64_t without_sample() const { return traces_ - marked_; }
  uint64_t malformed_sample() const { return malformed_; }

  // What made the run unreliable, run-wide first, then by evaluator in suite order
  // (run_warnings.h; implemented there).
  std::vector<RunWarning> Warnings() const;

  // Every tally, for a later MergeState: see docs/FORMATS.md "A shard's state".
  nlohmann::ordered_json State() const;
  // Adds the tallies of `state` (of a builder over the same suite) as if its traces came after
  // the ones added so far. Corruption when `state` is malformed or its shape is not this suite's.
  Status MergeState(const nlohmann::json& state);
  // Adds the tallies of `later`, a builder over the same suite, as if its traces came after the
  // ones added so far: MergeState(later.State()) without the JSON. The run's workers tally each
  // batch and the in-order consumer merges the batches, so that the consumer's cost is per batch,
  // not per trace (run_suite.cc).
  void Merge(const ScorecardBuilder& later);

  // scorecard.json: the document SPEC describes, keys in its order, `warnings` last.
  nlohmann::ordered_json Json() const;
  // scorecard.md: the same figures for people (a pull-request comment, a CI summary), with each
  // evaluator's most common error reasons and its first failing traces.
  std::string Markdown() const;
  // report.html: the scorecard as one self-contained page (scorecard_html.cc). `interrupted`:
  // the run was stopped before the end of its inputs.
  std::string Html(bool interrupted = false) const;

  // Failing traces kept per evaluator in input order, for the reports.
  static constexpr size_t kFirstFailing = 5;

 private:
  struct Tally {
    uint64_t n = 0;  // judged (scored) traces
    uint64_t errors = 0;
    uint64_t passes = 0;
    ExactSum score_sum;
    void Add(const EvaluatorOutcome& outcome);  // a judged or error outcome
    void Merge(const Tally& other);
    nlohmann::ordered_json Json() const;
    static Result<Tally> FromJson(const nlohmann::json& json);
  };
  struct EvaluatorTally {
    Tally all;
    // stratum path index -> value -> tally (std::map: reports list values sorted)
    std::vector<std::map<std::string, Tally>> strata;
    Tally marked;                       // traces with `_sample`, valid or not
    std::vector<PopulationCell> cells;  // by cell index; valid `_sample` only
    ReasonTally error_reasons;          // of the error outcomes, with their trace ids
    ReasonTally fail_reasons;           // of the failing outcomes, with their trace ids
    // The first kFirstFailing failing traces in input order: (trace id, reason).
    std::vector<std::pair<std::string, std::string>> first_failing;
  };

  void AddSampled(const TraceResult& trace);
  std::string FailuresMarkdown() const;
  std::optional<PopulationRate> Population(const EvaluatorTally& tally) const;
  std::vector<UsageFigure> Usage(size_t evaluator) const;

  ScorecardSuite suite_;
  const Suite* live_ = nullptr;  // the loaded suite, for its usage figures; null after a merge
  double max_error_rate_;
  uint64_t traces_ = 0;
  uint64_t trace_errors_ = 0;
  ReasonTally trace_error_reasons_;
  std::vector<uint64_t> strata_present_;  // per stratum path: traces where it has a value
  uint64_t marked_ = 0;                   // traces with `_sample`
  uint64_t malformed_ = 0;
  std::unordered_map<std::string, size_t> cell_index_;  // cell key -> index, by first appearance
  std::vector<std::pair<std::string, std::string>> inputs_;  // path, hash
  InputHashKind input_hash_ = InputHashKind::kSha256Chunks;
  std::vector<EvaluatorTally> tallies_;
};

}  // namespace arbiter
