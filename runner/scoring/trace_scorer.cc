#include "runner/scoring/trace_scorer.h"

#include <cmath>
#include <exception>
#include <optional>

#include "runner/base/json_error.h"
#include "runner/base/json_util.h"
#include "runner/scoring/score_rows.h"
#include "runner/trace/trace_validator.h"

namespace arbiter {
namespace {

// The host's check of a plugin's result (STYLE: the host validates every result).
Result<Score> CheckScore(Result<Score> score, const LoadedEvaluator& evaluator) {
  if (!score.ok() || score->pending) return score;
  double value = score->value;
  if (std::isnan(value)) {
    return Status::Internal("plugin '" + evaluator.spec.plugin + "' returned NaN");
  }
  if (!(value >= 0.0 && value <= 1.0)) {
    std::string text;
    AppendJsonNumber(text, value);
    if (std::isinf(value)) text = value > 0 ? "inf" : "-inf";
    return Status::Internal("plugin '" + evaluator.spec.plugin + "' returned score " + text +
                            ", outside [0, 1]");
  }
  return score;
}

// Plugins return errors as values; an exception escaping one (a bug, or bad_alloc) still
// becomes an error row for that trace rather than ending the run.
Result<Score> CallPlugin(const LoadedEvaluator& evaluator, const Trace& trace, int worker) {
  try {
    return CheckScore(evaluator.evaluator->Evaluate(trace, EvalContext{worker}), evaluator);
  } catch (const std::exception& e) {
    return Status::Internal("plugin '" + evaluator.spec.plugin + "' threw: " + e.what());
  } catch (...) {
    return Status::Internal("plugin '" + evaluator.spec.plugin + "' threw an unknown exception");
  }
}

// Sets `outcome` from a checked score and appends its row.
void RecordOutcome(const LoadedEvaluator& evaluator, std::string_view label,
                   std::string_view trace_id, const Result<Score>& score, EvaluatorOutcome& outcome,
                   std::string& rows) {
  if (!score.ok()) {
    outcome.kind = EvaluatorOutcome::Kind::kError;
    outcome.error = score.status().message();
    AppendErrorRow(rows, trace_id, label, outcome.error);
    return;
  }
  outcome.kind = EvaluatorOutcome::Kind::kScored;
  outcome.score = score->value;
  outcome.pass = score->value >= evaluator.spec.pass_threshold;
  if (!outcome.pass) outcome.reason = score->reason;
  AppendScoreRow(rows, trace_id, label, outcome.score, outcome.pass, score->reason);
}

}  // namespace

TraceScorer::TraceScorer(const Suite& suite) : suite_(suite) {
  for (const LoadedEvaluator& evaluator : suite.evaluators) {
    row_labels_.push_back(ScoreRowLabel(evaluator.spec.id, evaluator.spec.version));
  }
}

void TraceScorer::Score(std::string_view json, int worker, simdjson::dom::parser& parser,
                        std::string& rows, TraceResult& result) const {
  ScoreParsed(parser.parse(json.data(), json.size()), json, worker, rows, result);
}

void TraceScorer::Score(PaddedJson json, int worker, simdjson::dom::parser& parser,
                        std::string& rows, TraceResult& result) const {
  ScoreParsed(parser.parse(json.data, json.size, /*realloc_if_needed=*/false),
              std::string_view(json.data, json.size), worker, rows, result);
}

void TraceScorer::ScoreParsed(simdjson::simdjson_result<simdjson::dom::element> parsed,
                              std::string_view json, int worker, std::string& rows,
                              TraceResult& result) const {
  simdjson::dom::element root;
  if (auto error = std::move(parsed).get(root)) {
    result.error = JsonRefusal("not valid JSON", json, error);
    return;
  }
  std::string_view trace_id;
  std::optional<simdjson::dom::element> sample;
  Status valid = ValidateTrace(root, trace_id, &sample);
  if (!valid.ok()) {
    result.error = valid.message();
    return;
  }
  result.trace_id.assign(trace_id);
  if (sample) {
    result.sample = ReadSampleMark(*sample);
  } else if (result.sample.state != SampleMark::State::kAbsent) {
    result.sample = SampleMark{};
  }
  Trace trace(root, json, trace_id);

  result.strata.clear();
  for (const TracePath& stratum : suite_.strata) {
    std::optional<simdjson::dom::element> value = stratum.Lookup(root);
    if (!value || value->is_null()) {
      result.strata.emplace_back(kMissingStratum);
    } else {
      result.strata.push_back(ElementText(*value));
    }
  }

  result.outcomes.assign(suite_.evaluators.size(), EvaluatorOutcome{});
  for (size_t i = 0; i < suite_.evaluators.size(); ++i) {
    const LoadedEvaluator& evaluator = suite_.evaluators[i];
    if (!evaluator.skipped.empty()) continue;
    if (evaluator.when && !evaluator.when->Matches(root)) continue;
    Result<arbiter::Score> score = CallPlugin(evaluator, trace, worker);
    if (score.ok() && score->pending) {
      result.pending.push_back(PendingRow{i, rows.size(), std::move(score->pending)});
      continue;
    }
    RecordOutcome(evaluator, row_labels_[i], trace_id, score, result.outcomes[i], rows);
  }
}

void ResolvePendingScores(const Suite& suite, std::string& rows, std::vector<TraceResult>& traces,
                          const std::function<void(size_t done)>& resolved) {
  bool any = false;
  for (const TraceResult& trace : traces) any = any || !trace.pending.empty();
  if (!any) return;
  std::string merged;
  merged.reserve(rows.size() * 2);
  size_t copied = 0;
  for (size_t i = 0; i < traces.size(); ++i) {
    TraceResult& trace = traces[i];
    if (trace.pending.empty()) continue;
    for (PendingRow& row : trace.pending) {
      merged.append(rows, copied, row.offset - copied);
      copied = row.offset;
      const LoadedEvaluator& evaluator = suite.evaluators[row.evaluator];
      Result<Score> score = CheckScore(row.score->Wait(), evaluator);
      RecordOutcome(evaluator, ScoreRowLabel(evaluator.spec.id, evaluator.spec.version),
                    trace.trace_id, score, trace.outcomes[row.evaluator], merged);
    }
    trace.pending.clear();
    if (resolved) resolved(i + 1);
  }
  merged.append(rows, copied);
  rows = std::move(merged);
}

}  // namespace arbiter
