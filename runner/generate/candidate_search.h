// The search of `arbiter generate`: for each failure mode with enough pass/fail labels, candidate
// evaluators of the built-in kinds are fitted on the calibration split (the trace-id hash split
// of calibrate's threshold search, stats/threshold_search.h) and judged, by the plugin itself, on
// the held-out split. A draft is written only when its kind's search beats shuffled labels (a
// permutation test on the calibration split, the whole family's best score against the best
// score on each shuffle) and its held-out figures reach the suite's signal_mcc and a one-sided
// Fisher exact test: on labels that carry no signal it writes nothing, whatever the search saw.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/calibration/calibration.h"
#include "runner/generate/labeled_traces.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/stats/agreement.h"
#include "runner/suite/suite.h"

namespace arbiter {

// An evaluator judged on the labeled traces of one failure mode, split as calibrate splits.
struct SplitFigures {
  ConfusionMatrix calibration, held_out;
  double calibration_mcc = 0.0;
  double held_out_mcc = 0.0;
  double all_mcc = 0.0;  // on both splits: the MCC `arbiter calibrate` reports for the draft
  std::pair<double, double> held_out_ci{0.0, 0.0};  // bootstrap 95% interval of held_out_mcc
  double held_out_p = 1.0;  // one-sided Fisher exact test of the held-out confusion matrix
  size_t errors = 0;        // labeled traces it could not judge (left out, as calibrate does)
  // Labeled traces it judged otherwise: id and whether the humans said fail. Sorted by id.
  std::vector<std::pair<std::string, bool>> wrong;
};

struct DraftCandidate {
  std::string kind;    // the plugin: contains, regex, length, citations, tool_calls
  std::string target;  // the trace path it reads
  std::string when;    // its `when:` condition (a slice of the traces); empty: every trace
  // The `params:` block as YAML lines, each indented by two spaces.
  std::string params_yaml;
  double pass_threshold = 0.5;
  std::string summary;      // one line for generate.md
  std::string description;  // the draft's description, in words
  double fit = 0.0;         // the calibration figure the search chose it by (z or MCC)
  SplitFigures figures;     // from the plugin, on every labeled trace of the mode
  bool chosen = false;      // its kind's pick on the calibration split
  bool written = false;
  std::string verdict;  // why a chosen candidate is or is not written
};

struct FamilyResult {
  std::string kind;
  std::string when;      // searched on this slice only; empty: on every trace
  size_t searched = 0;   // candidates scored on the calibration split
  double p_value = 1.0;  // the permutation test of the family's best score
};

struct ExistingFigures {
  std::string id;
  int version = 0;
  SplitFigures figures;
};

struct ModeResult {
  std::string failure_mode;
  std::string skipped;           // non-empty: why no search ran
  size_t fails = 0, passes = 0;  // consensus labels whose trace was found
  size_t missing = 0;            // labels whose trace is not in the trace files
  size_t calibration = 0, held_out = 0;
  size_t calibration_fails = 0;
  // The slice the failures concentrate in, as a `when:` condition (empty: none), searched again
  // on its own; with its calibration failures and traces.
  std::string slice;
  size_t slice_fails = 0, slice_traces = 0;
  std::vector<FamilyResult> families;
  std::vector<DraftCandidate> candidates;  // ranked by held-out MCC
  std::vector<ExistingFigures> existing;   // the suite's evaluators for this mode
  // When searched and no rule was written: the judge draft written instead (its YAML file) and
  // its examples of each class.
  std::string judge_draft, judge_rubric;
  size_t judge_examples = 0;
  std::optional<SplitFigures> judge_figures;  // with --calibrate-judge: on the held-out split
};

struct SearchOptions {
  double signal_mcc = 0.4;  // the suite's gate.signal_mcc
  int min_per_class = 5;    // labels of each class a mode needs
  int permutations = 999;
  double family_alpha = 0.01;    // permutation test of a kind's search
  double held_out_alpha = 0.05;  // Fisher test of the chosen candidate on the held-out split
  size_t listed_per_family = 3;  // candidates of each kind judged by the plugin and reported
  uint64_t seed = 20261120;      // permutations and bootstrap
  std::string only_mode;         // --failure-mode: only this one
};

// Searches every failure mode of `consensus` (calibration/calibration.h) over `traces`.
// `suite` (may be null) gives the evaluators reported beside the drafts. Deterministic.
// A plugin that refuses a draft's params is an Internal error (a bug of the search).
Result<std::vector<ModeResult>> SearchDrafts(const std::map<std::string, ConsensusSet>& consensus,
                                             const std::vector<LabeledTrace>& traces,
                                             const PluginRegistry& registry, const Suite* suite,
                                             const SearchOptions& options);

// The figures of a loaded evaluator (a judge draft) on the held-out split of `labels` only: the
// calibration figures stay empty. A judge's calls are sent together and waited for in order;
// no response cache is read or written.
Result<SplitFigures> HeldOutFigures(const LoadedEvaluator& evaluator, const ConsensusSet& labels,
                                    const std::vector<LabeledTrace>& traces, uint64_t seed);

// P(X >= tp) for X hypergeometric: `tp` of `predicted` traces flagged among `fails` failing of
// `n`. The chance that a flag unrelated to the labels catches that many failures.
double FisherOneSided(uint64_t n, uint64_t fails, uint64_t predicted, uint64_t tp);

}  // namespace arbiter
