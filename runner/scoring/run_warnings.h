// What made a run unreliable (SPEC "scorecard.json" `warnings`): a run whose evaluators judged
// nothing useful still exits 0, so the scorecard, scorecard.md and the terminal say so, each in
// one sentence naming the evaluator and the cause (with the most common error), and `--strict`
// turns them into exit 3. The cases, by `kind`:
//   no_input             the inputs hold no trace at all
//   all_input_broken     every input line was broken (none scored)
//   strata_path_missing  a `strata` path that no trace has (every value "(missing)")
//   judge_skipped        an evaluator that could not run here (a judge without its API key)
//   when_never_held      an evaluator whose `when` held on no trace
//   no_trace_judged      an evaluator that judged no trace (every one an error)
//   error_rate           an evaluator whose share of error rows exceeds --max-error-rate
// Computed from the scorecard's tallies (ScorecardBuilder::Warnings), which follow input order,
// so the warnings are the same whatever the thread count.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/base/status.h"

namespace arbiter {

// `run --max-error-rate`'s default: an evaluator failing to judge most traces is broken, not
// strict.
inline constexpr double kDefaultMaxErrorRate = 0.5;

struct RunWarning {
  std::string evaluator;  // the evaluator's id; empty for the whole run (null in JSON)
  std::string kind;       // one of the names above: stable, for machines
  std::string message;    // one sentence for people
};

// The most common of a stream of reasons (error messages), ties going to the first seen. Keeps
// at most kMaxDistinct reasons, so messages that embed per-trace details do not grow it without
// bound: those with the smallest Hash64 (a bottom-k set), whose choice does not depend on the
// order of Add. That makes tallies of parts of a stream add up exactly (Merge: a reason among the
// k smallest of the whole is among the k smallest of every part that has it, from its first
// occurrence, so its count is whole), which `arbiter merge` needs to print one run's warnings.
//
// Each kept reason also keeps the first kExamples examples added with it (the trace ids that
// gave it), exact under Merge by the same argument.
class ReasonTally {
 public:
  static constexpr size_t kMaxDistinct = 64;
  static constexpr size_t kExamples = 3;

  // A kept reason: how often it came, and its first examples.
  struct Group {
    std::string reason;
    uint64_t count = 0;
    std::vector<std::string> examples;
  };

  void Add(const std::string& reason);
  // `example` (a trace id) is kept among the reason's first kExamples.
  void Add(const std::string& reason, std::string_view example);
  // Adds the tally of the reasons that came after this one's (a later part of the stream).
  void Merge(const ReasonTally& later);
  uint64_t total() const { return total_; }
  // The most common reason and how often it came; ("", 0) when none was added.
  std::pair<std::string, uint64_t> MostCommon() const;
  // The kept reasons, most common first (ties: first seen first), at most `limit` of them. When
  // more than kMaxDistinct reasons came, the kept ones are those the bound chose, so their counts
  // may add up to less than total().
  std::vector<Group> Top(size_t limit) const;
  // " (REASON)" when every reason was that one, " (most common: REASON, N of TOTAL)" otherwise,
  // "" when none was added: the end of a warning's sentence.
  std::string Suffix() const;

  // {"total": N, "kept": [[REASON, COUNT, FIRST, [EXAMPLE, ...]], ...]} (FIRST: the 0-based
  // position of its first Add), for a shard's state (docs/FORMATS.md).
  nlohmann::ordered_json Json() const;
  static Result<ReasonTally> FromJson(const nlohmann::json& json);

 private:
  struct Kept {
    uint64_t count = 0;
    uint64_t first = 0;                 // position of the first Add of this reason
    uint64_t hash = 0;                  // Hash64(reason)
    std::vector<std::string> examples;  // the first kExamples
  };
  void Count(const std::string& reason, const std::string_view* example);
  void Keep(const std::string& reason, Kept kept);
  void EvictLargest();

  std::unordered_map<std::string, Kept> kept_;
  uint64_t total_ = 0;
};

// scorecard.json's `warnings`: [{"evaluator": ID or null, "kind": ..., "message": ...}].
nlohmann::ordered_json WarningsJson(const std::vector<RunWarning>& warnings);

// scorecard.md's "Warnings" section, "" when there is none.
std::string WarningsMarkdown(const std::vector<RunWarning>& warnings);

}  // namespace arbiter
