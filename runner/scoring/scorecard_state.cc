// The scorecard's tallies written out and added back (ScorecardBuilder::State, MergeState): what
// a shard of a run keeps so that `arbiter merge` prints the scorecard of one run over all the
// inputs. The format is docs/FORMATS.md "A shard's state"; sums are ExactSum text, so nothing is
// rounded on the way.
#include <utility>

#include "runner/scoring/scorecard.h"

namespace arbiter {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

Result<ExactSum> SumFromJson(const Json& json) { return ExactSum::Parse(json.get<std::string>()); }

OrderedJson CellJson(const PopulationCell& cell) {
  return OrderedJson::array({cell.n, cell.judged, cell.weight_sum.Text(), cell.dw.Text(),
                             cell.dwy.Text(), cell.dw2.Text(), cell.dw2y.Text()});
}

Result<PopulationCell> CellFromJson(const Json& json) {
  PopulationCell cell;
  cell.n = json.at(0).get<uint64_t>();
  cell.judged = json.at(1).get<uint64_t>();
  ExactSum* sums[] = {&cell.weight_sum, &cell.dw, &cell.dwy, &cell.dw2, &cell.dw2y};
  for (size_t i = 0; i < 5; ++i) {
    ARBITER_ASSIGN_OR_RETURN(*sums[i], SumFromJson(json.at(2 + i)));
  }
  return cell;
}

}  // namespace

ScorecardSuite ScorecardSuite::Of(const Suite& suite, bool usage) {
  ScorecardSuite out;
  out.name = suite.name;
  for (const TracePath& path : suite.strata) out.strata.push_back(path.text());
  for (const LoadedEvaluator& loaded : suite.evaluators) {
    ScorecardEvaluator& evaluator = out.evaluators.emplace_back();
    evaluator.id = loaded.spec.id;
    evaluator.version = loaded.spec.version;
    evaluator.plugin = loaded.spec.plugin;
    evaluator.fingerprint = loaded.fingerprint;
    evaluator.skipped = loaded.skipped;
    if (loaded.when) evaluator.when = loaded.when->text();
    if (usage) evaluator.usage = loaded.evaluator->Usage();
  }
  return out;
}

OrderedJson ScorecardSuite::Json() const {
  OrderedJson evaluators = OrderedJson::array();
  for (const ScorecardEvaluator& evaluator : this->evaluators) {
    OrderedJson usage = OrderedJson::array();
    for (const UsageFigure& figure : evaluator.usage) {
      usage.push_back(
          {{"name", figure.name}, {"value", figure.value}, {"integer", figure.integer}});
    }
    evaluators.push_back({{"id", evaluator.id},
                          {"version", evaluator.version},
                          {"plugin", evaluator.plugin},
                          {"fingerprint", evaluator.fingerprint},
                          {"skipped", evaluator.skipped},
                          {"when", evaluator.when},
                          {"usage", std::move(usage)}});
  }
  return {{"name", name}, {"strata", strata}, {"evaluators", std::move(evaluators)}};
}

Result<ScorecardSuite> ScorecardSuite::FromJson(const nlohmann::json& json) {
  ScorecardSuite suite;
  try {
    suite.name = json.at("name").get<std::string>();
    suite.strata = json.at("strata").get<std::vector<std::string>>();
    for (const nlohmann::json& entry : json.at("evaluators")) {
      ScorecardEvaluator& evaluator = suite.evaluators.emplace_back();
      evaluator.id = entry.at("id").get<std::string>();
      evaluator.version = entry.at("version").get<int>();
      evaluator.plugin = entry.at("plugin").get<std::string>();
      evaluator.fingerprint = entry.at("fingerprint").get<std::string>();
      evaluator.skipped = entry.at("skipped").get<std::string>();
      evaluator.when = entry.at("when").get<std::string>();
      for (const nlohmann::json& figure : entry.at("usage")) {
        evaluator.usage.push_back({figure.at("name").get<std::string>(),
                                   figure.at("value").get<double>(),
                                   figure.at("integer").get<bool>()});
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string("malformed suite description: ") + e.what());
  }
  return suite;
}

void ScorecardBuilder::Tally::Merge(const Tally& other) {
  n += other.n;
  errors += other.errors;
  passes += other.passes;
  score_sum.Add(other.score_sum);
}

OrderedJson ScorecardBuilder::Tally::Json() const {
  return OrderedJson::array({n, errors, passes, score_sum.Text()});
}

Result<ScorecardBuilder::Tally> ScorecardBuilder::Tally::FromJson(const nlohmann::json& json) {
  Tally tally;
  tally.n = json.at(0).get<uint64_t>();
  tally.errors = json.at(1).get<uint64_t>();
  tally.passes = json.at(2).get<uint64_t>();
  ARBITER_ASSIGN_OR_RETURN(tally.score_sum, SumFromJson(json.at(3)));
  return tally;
}

OrderedJson ScorecardBuilder::State() const {
  std::vector<std::string> cells(cell_index_.size());
  for (const auto& [key, index] : cell_index_) cells[index] = key;
  OrderedJson evaluators = OrderedJson::array();
  for (const EvaluatorTally& tally : tallies_) {
    OrderedJson strata = OrderedJson::array();
    for (const auto& values : tally.strata) {
      OrderedJson by_value = OrderedJson::object();
      for (const auto& [value, t] : values) by_value[value] = t.Json();
      strata.push_back(std::move(by_value));
    }
    OrderedJson tally_cells = OrderedJson::array();
    for (const PopulationCell& cell : tally.cells) tally_cells.push_back(CellJson(cell));
    evaluators.push_back({{"all", tally.all.Json()},
                          {"strata", std::move(strata)},
                          {"marked", tally.marked.Json()},
                          {"cells", std::move(tally_cells)},
                          {"error_reasons", tally.error_reasons.Json()},
                          {"fail_reasons", tally.fail_reasons.Json()},
                          {"first_failing", tally.first_failing}});
  }
  return {{"traces", traces_},
          {"trace_errors", trace_errors_},
          {"trace_error_reasons", trace_error_reasons_.Json()},
          {"strata_present", strata_present_},
          {"marked", marked_},
          {"malformed", malformed_},
          {"cells", std::move(cells)},
          {"evaluators", std::move(evaluators)}};
}

Status ScorecardBuilder::MergeState(const nlohmann::json& state) {
  ScorecardBuilder later(suite_, max_error_rate_);
  try {
    const nlohmann::json& evaluators = state.at("evaluators");
    const nlohmann::json& present = state.at("strata_present");
    if (evaluators.size() != tallies_.size() || present.size() != strata_present_.size()) {
      return Status::Corruption("a state of another suite (evaluators or strata differ)");
    }
    ARBITER_ASSIGN_OR_RETURN(later.trace_error_reasons_,
                             ReasonTally::FromJson(state.at("trace_error_reasons")));
    later.traces_ = state.at("traces").get<uint64_t>();
    later.trace_errors_ = state.at("trace_errors").get<uint64_t>();
    for (size_t s = 0; s < strata_present_.size(); ++s) {
      later.strata_present_[s] = present.at(s).get<uint64_t>();
    }
    later.marked_ = state.at("marked").get<uint64_t>();
    later.malformed_ = state.at("malformed").get<uint64_t>();
    const nlohmann::json& keys = state.at("cells");
    for (size_t c = 0; c < keys.size(); ++c) {
      if (!later.cell_index_.try_emplace(keys.at(c).get<std::string>(), c).second) {
        return Status::Corruption("a cell key listed twice");
      }
    }
    for (size_t e = 0; e < tallies_.size(); ++e) {
      const nlohmann::json& entry = evaluators.at(e);
      EvaluatorTally& tally = later.tallies_[e];
      ARBITER_ASSIGN_OR_RETURN(tally.all, Tally::FromJson(entry.at("all")));
      ARBITER_ASSIGN_OR_RETURN(tally.marked, Tally::FromJson(entry.at("marked")));
      const nlohmann::json& strata = entry.at("strata");
      if (strata.size() != tally.strata.size()) return Status::Corruption("strata differ");
      for (size_t s = 0; s < strata.size(); ++s) {
        for (const auto& [value, t] : strata.at(s).items()) {
          ARBITER_ASSIGN_OR_RETURN(tally.strata[s][value], Tally::FromJson(t));
        }
      }
      const nlohmann::json& cells = entry.at("cells");
      if (cells.size() > keys.size()) return Status::Corruption("more cells than cell keys");
      for (const nlohmann::json& cell : cells) {
        ARBITER_ASSIGN_OR_RETURN(tally.cells.emplace_back(), CellFromJson(cell));
      }
      ARBITER_ASSIGN_OR_RETURN(tally.error_reasons,
                               ReasonTally::FromJson(entry.at("error_reasons")));
      ARBITER_ASSIGN_OR_RETURN(tally.fail_reasons, ReasonTally::FromJson(entry.at("fail_reasons")));
      for (const nlohmann::json& failing : entry.at("first_failing")) {
        tally.first_failing.emplace_back(failing.at(0).get<std::string>(),
                                         failing.at(1).get<std::string>());
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string("malformed scorecard state: ") + e.what());
  }
  Merge(later);
  return Status::OK();
}

void ScorecardBuilder::Merge(const ScorecardBuilder& later) {
  traces_ += later.traces_;
  trace_errors_ += later.trace_errors_;
  trace_error_reasons_.Merge(later.trace_error_reasons_);
  for (size_t s = 0; s < strata_present_.size(); ++s) {
    strata_present_[s] += later.strata_present_[s];
  }
  marked_ += later.marked_;
  malformed_ += later.malformed_;
  // Cells keep the order of their first appearance: the later ones' new keys come after ours.
  std::vector<const std::string*> keys(later.cell_index_.size());
  for (const auto& [key, index] : later.cell_index_) keys[index] = &key;
  std::vector<size_t> cell_at(keys.size());
  for (size_t c = 0; c < keys.size(); ++c) {
    cell_at[c] = cell_index_.try_emplace(*keys[c], cell_index_.size()).first->second;
  }
  for (size_t e = 0; e < tallies_.size(); ++e) {
    EvaluatorTally& tally = tallies_[e];
    const EvaluatorTally& other = later.tallies_[e];
    tally.all.Merge(other.all);
    tally.marked.Merge(other.marked);
    for (size_t s = 0; s < tally.strata.size(); ++s) {
      for (const auto& [value, t] : other.strata[s]) tally.strata[s][value].Merge(t);
    }
    for (size_t c = 0; c < other.cells.size(); ++c) {
      if (tally.cells.size() <= cell_at[c]) tally.cells.resize(cell_at[c] + 1);
      tally.cells[cell_at[c]].Merge(other.cells[c]);
    }
    tally.error_reasons.Merge(other.error_reasons);
    tally.fail_reasons.Merge(other.fail_reasons);
    for (const auto& failing : other.first_failing) {
      if (tally.first_failing.size() >= kFirstFailing) break;
      tally.first_failing.push_back(failing);
    }
  }
}

}  // namespace arbiter
