#include "runner/annotate/session.h"

#include <map>
#include <set>
#include <string_view>
#include <unordered_set>

#include <simdjson.h>

#include "runner/labels/label_compare.h"

namespace arbiter {
namespace {

using Json = nlohmann::ordered_json;

// Longest note a label may carry; longer is a client error, not a journal line to keep.
constexpr size_t kMaxNote = 10000;
// Disagreements listed by /api/progress.
constexpr size_t kMaxDisagreements = 500;

Json LabelValue(const Label& label) {
  if (!label.graded()) return label.label;
  return Json::parse(label.label, nullptr, false);
}

Json LabelJson(const Label& label) {
  Json row;
  row["trace_id"] = label.trace_id;
  row["failure_mode"] = label.failure_mode;
  row["label"] = LabelValue(label);
  row["reviewer"] = label.reviewer;
  row["labeled_at"] = label.labeled_at;
  row["note"] = label.note;
  return row;
}

Json Optional(const std::optional<double>& value) { return value ? Json(*value) : Json(nullptr); }

}  // namespace

Result<std::unique_ptr<AnnotateSession>> AnnotateSession::Open(const AnnotateOptions& options) {
  std::unique_ptr<AnnotateSession> session(new AnnotateSession());
  session->options_ = options;
  ARBITER_ASSIGN_OR_RETURN(session->queue_, TraceQueue::Open(options.queue));
  session->store_ = std::make_unique<LabelStore>(options.label_root);
  std::vector<int> versions = session->store_->Versions(options.label_set);
  if (!versions.empty()) {
    LabelSetRef ref{options.label_set, versions.back()};
    ARBITER_ASSIGN_OR_RETURN(LabelSet latest, session->store_->Load(ref));
    session->base_ = std::move(latest.labels);
    session->base_version_ = versions.back();
  }
  ARBITER_ASSIGN_OR_RETURN(session->draft_, Draft::Open(options.label_root, options.label_set,
                                                        options.read_only ? Draft::Access::kReadOnly
                                                                          : Draft::Access::kWrite));
  for (const FailureModeInfo& mode : options.suite_modes) {
    if (session->modes_.emplace(mode.name, mode).second) session->mode_order_.push_back(mode.name);
  }
  auto add_label_mode = [&](const std::vector<Label>& labels, const std::string& name) {
    if (session->modes_.count(name)) return;
    FailureModeInfo info;
    info.name = name;
    info.description = "in the label set " + options.label_set;
    info.scale = ScaleOfLabels(labels, name);
    session->modes_.emplace(name, info);
    session->mode_order_.push_back(name);
  };
  for (const Label& label : session->base_) add_label_mode(session->base_, label.failure_mode);
  std::vector<Label> drafted;
  for (const auto& [key, label] : session->draft_->entries()) {
    if (label) drafted.push_back(*label);
  }
  for (const Label& label : drafted) add_label_mode(drafted, label.failure_mode);
  for (Label& label : DraftLabels(session->base_, *session->draft_)) {
    session->current_[{label.trace_id, label.failure_mode, label.reviewer}] = std::move(label);
  }
  if (!options.scores.empty()) {
    const TraceQueue& queue = *session->queue_;
    Status read = ReadScoreRows(options.scores, [&](ScoreRow& row) {
      if (queue.Find(row.trace_id)) session->scores_[row.trace_id].push_back(std::move(row));
    });
    if (!read.ok()) return read;
  }
  return session;
}

Json AnnotateSession::ModesJson() const {
  Json modes = Json::array();
  for (const std::string& name : mode_order_) {
    const FailureModeInfo& mode = modes_.at(name);
    Json entry;
    entry["name"] = mode.name;
    entry["description"] = mode.description;
    entry["scale"] = LabelScaleName(mode.scale);
    entry["evaluators"] = mode.evaluators;
    entry["rubric"] = mode.rubric;
    modes.push_back(entry);
  }
  return modes;
}

Json AnnotateSession::Session(const std::string& reviewer) const {
  std::lock_guard lock(mu_);
  Json out;
  out["reviewer"] = reviewer;
  out["label_set"] = options_.label_set;
  out["label_set_version"] = base_version_ ? Json(*base_version_) : Json(nullptr);
  // The queue's file name only: the page has no use for where it lies on this machine.
  out["queue"] = {{"path", queue_->path()}, {"size", queue_->size()}};
  out["failure_modes"] = ModesJson();
  out["redacted"] = options_.redactor != nullptr;
  out["scores"] = !options_.scores.empty();
  return out;
}

Result<Json> AnnotateSession::Trace(size_t index, const std::string& reviewer) const {
  if (index >= queue_->size()) {
    return Status::NotFound("no trace " + std::to_string(index) + ": the queue holds " +
                            std::to_string(queue_->size()));
  }
  Json trace = Json::parse(queue_->Line(index), nullptr, false);
  if (trace.is_discarded() || !trace.is_object()) {
    return Status::Corruption(queue_->path() + ":" + std::to_string(queue_->LineNumber(index)) +
                              ": not a JSON object");
  }
  Json triage = nullptr;
  if (auto it = trace.find("_triage"); it != trace.end()) {
    triage = *it;
    trace.erase(it);
  }
  if (options_.redactor) {
    RedactionCounts counts;
    options_.redactor->RedactJson(trace, counts);
    if (!triage.is_null()) options_.redactor->RedactJson(triage, counts);
  }
  const std::string& id = queue_->TraceId(index);
  Json out;
  out["index"] = index;
  out["trace_id"] = id;
  out["line"] = queue_->LineNumber(index);
  out["trace"] = std::move(trace);
  out["triage"] = std::move(triage);
  Json scores = Json::array();
  if (auto it = scores_.find(id); it != scores_.end()) {
    for (const ScoreRow& row : it->second) {
      Json entry;
      entry["evaluator"] = row.evaluator;
      entry["version"] = row.version;
      entry["score"] = Optional(row.score);
      entry["pass"] = row.pass ? Json(*row.pass) : Json(nullptr);
      entry["reason"] = row.reason;
      entry["error"] = row.error.empty() ? Json(nullptr) : Json(row.error);
      scores.push_back(entry);
    }
  }
  out["scores"] = std::move(scores);
  std::lock_guard lock(mu_);
  Json mine = Json::array(), others = Json::array();
  std::set<std::string> labeled_modes;
  auto first = current_.lower_bound({id, "", ""});
  for (auto it = first; it != current_.end() && std::get<0>(it->first) == id; ++it) {
    if (it->second.reviewer == reviewer) {
      mine.push_back(LabelJson(it->second));
      labeled_modes.insert(it->second.failure_mode);
    }
  }
  // Blind: another reviewer's label on a failure mode shows once this reviewer has labeled it.
  for (auto it = first; it != current_.end() && std::get<0>(it->first) == id; ++it) {
    if (it->second.reviewer != reviewer && labeled_modes.count(it->second.failure_mode)) {
      others.push_back(LabelJson(it->second));
    }
  }
  out["labels"] = std::move(mine);
  out["others"] = std::move(others);
  return out;
}

Result<Json> AnnotateSession::PostLabel(const nlohmann::json& body, const std::string& reviewer) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  for (const char* key : {"trace_id", "failure_mode"}) {
    if (!body.contains(key) || !body[key].is_string()) {
      return Status::InvalidArgument(std::string("'") + key + "' must be a string");
    }
  }
  if (!body.contains("label")) {
    return Status::InvalidArgument("'label' must be \"pass\", \"fail\", a number or null");
  }
  Label label;
  label.trace_id = body["trace_id"];
  label.failure_mode = body["failure_mode"];
  label.reviewer = reviewer;
  label.labeled_at = UtcNow();
  if (body.contains("note") && !body["note"].is_null()) {
    if (!body["note"].is_string()) return Status::InvalidArgument("'note' must be a string");
    label.note = body["note"];
    if (label.note.size() > kMaxNote) {
      return Status::InvalidArgument("'note' is longer than " + std::to_string(kMaxNote) +
                                     " bytes");
    }
  }
  const auto& value = body["label"];
  bool withdrawn = value.is_null();
  if (value.is_string()) {
    label.label = value.get<std::string>();
  } else if (value.is_number()) {
    label.label = value.dump();
  } else if (!withdrawn) {
    return Status::InvalidArgument("'label' must be \"pass\", \"fail\", a number or null");
  }
  if (!queue_->Find(label.trace_id)) {
    return Status::InvalidArgument("trace id '" + label.trace_id + "' is not in the queue " +
                                   queue_->path());
  }
  std::lock_guard lock(mu_);
  auto mode = modes_.find(label.failure_mode);
  if (mode == modes_.end()) {
    if (options_.have_suite && !options_.allow_new_failure_mode) {
      LabelQualityRules rules;
      rules.check_modes = true;
      for (const auto& [name, info] : modes_) rules.modes[name] = info.scale;
      label.line = 0;
      Status refused = CheckLabelQuality({label}, rules, "label");
      return Status::InvalidArgument(refused.message().substr(std::string("label:0: ").size()));
    }
    if (withdrawn) return Status::InvalidArgument("no label to withdraw on that failure mode");
    FailureModeInfo info;
    info.name = label.failure_mode;
    info.description = "added while labeling";
    info.scale = label.graded() ? LabelScale::kUnit : LabelScale::kBinary;
    mode = modes_.emplace(info.name, info).first;
    mode_order_.push_back(info.name);
  }
  if (!withdrawn) {
    Status fits = CheckLabelValue(label.label, mode->second.scale);
    if (!fits.ok()) {
      return Status::InvalidArgument(fits.message() + " (failure mode '" + label.failure_mode +
                                     "')");
    }
  }
  ARBITER_RETURN_IF_ERROR(draft_->Append(label, withdrawn));
  LabelKey key{label.trace_id, label.failure_mode, label.reviewer};
  Json out;
  out["saved"] = true;
  if (withdrawn) {
    current_.erase(key);
    out["label"] = nullptr;
  } else {
    current_[key] = label;
    out["label"] = LabelJson(label);
  }
  out["draft_lines"] = draft_->lines();
  return out;
}

Json AnnotateSession::Labels(const std::string& reviewer) const {
  std::lock_guard lock(mu_);
  Json rows = Json::array();
  for (const auto& [key, label] : current_) {
    if (label.reviewer == reviewer) rows.push_back(LabelJson(label));
  }
  return {{"reviewer", reviewer}, {"labels", rows}};
}

std::vector<Label> AnnotateSession::CurrentLabels() const {
  std::vector<Label> labels;
  labels.reserve(current_.size());
  for (const auto& [key, label] : current_) labels.push_back(label);
  return labels;
}

Json AnnotateSession::Progress(const std::string& reviewer) const {
  std::lock_guard lock(mu_);
  // Traces of the queue each reviewer labeled (any failure mode), and per failure mode.
  std::map<std::string, std::unordered_set<std::string>> by_reviewer;
  std::map<std::string, size_t> by_mode;
  for (const auto& [key, label] : current_) {
    if (!queue_->Find(label.trace_id)) continue;
    by_reviewer[label.reviewer].insert(label.trace_id);
    if (label.reviewer == reviewer) ++by_mode[label.failure_mode];
  }
  const auto& mine = by_reviewer[reviewer];
  Json out;
  out["reviewer"] = reviewer;
  out["total"] = queue_->size();
  out["labeled"] = mine.size();
  // Where this reviewer stopped: the first trace in queue order they have not labeled.
  Json next = nullptr;
  for (size_t i = 0; i < queue_->size(); ++i) {
    if (!mine.count(queue_->TraceId(i))) {
      next = i;
      break;
    }
  }
  out["next"] = next;
  Json modes = Json::array();
  for (const std::string& name : mode_order_) {
    modes.push_back({{"failure_mode", name}, {"labeled", by_mode[name]}});
  }
  out["failure_modes"] = modes;
  Json reviewers = Json::array();
  for (const auto& [name, traces] : by_reviewer) {
    if (!traces.empty()) reviewers.push_back({{"reviewer", name}, {"labeled", traces.size()}});
  }
  out["reviewers"] = reviewers;
  std::vector<Label> labels;
  for (const auto& [key, label] : current_) {
    if (queue_->Find(label.trace_id)) labels.push_back(label);
  }
  Json agreement = Json::array();
  for (const ModeAgreement& a : ReviewerAgreement(labels)) {
    if (a.reviewers.size() < 2) continue;
    agreement.push_back({{"failure_mode", a.failure_mode},
                         {"reviewers", a.reviewers},
                         {"traces", a.traces},
                         {"shared_traces", a.shared_traces},
                         {"kappa", Optional(a.kappa)},
                         {"alpha", Optional(a.alpha)}});
  }
  out["agreement"] = agreement;
  // Disagreements, blind: only on traces and failure modes this reviewer has labeled.
  Json disagreements = Json::array();
  size_t total = 0;
  for (auto it = current_.begin(); it != current_.end();) {
    const std::string& trace = std::get<0>(it->first);
    const std::string& mode = std::get<1>(it->first);
    Json values = Json::object();
    std::set<std::string> distinct;
    bool mine_here = false;
    for (;
         it != current_.end() && std::get<0>(it->first) == trace && std::get<1>(it->first) == mode;
         ++it) {
      values[it->second.reviewer] = LabelValue(it->second);
      distinct.insert(it->second.label);
      mine_here |= it->second.reviewer == reviewer;
    }
    std::optional<size_t> index = queue_->Find(trace);
    if (distinct.size() > 1 && mine_here && index) {
      if (++total <= kMaxDisagreements) {
        disagreements.push_back(
            {{"trace_id", trace}, {"index", *index}, {"failure_mode", mode}, {"labels", values}});
      }
    }
  }
  out["disagreements"] = disagreements;
  out["disagreements_total"] = total;
  out["draft_lines"] = draft_->lines();
  return out;
}

Result<Json> AnnotateSession::Commit() {
  std::lock_guard lock(mu_);
  ARBITER_ASSIGN_OR_RETURN(CommitOutcome outcome,
                           CommitDraft(*store_, options_.label_set, *draft_));
  Json out;
  if (outcome.created) {
    out["created"] = outcome.created->ToString();
    out["manifest"] = outcome.manifest;
    out["message"] =
        outcome.created->ToString() + ": " + std::to_string(outcome.labels) + " labels";
    base_version_ = outcome.created->version;
    base_ = CurrentLabels();
  } else {
    out["created"] = nullptr;
    out["manifest"] = nullptr;
    out["message"] = "nothing to commit: the draft holds no change to " +
                     (outcome.parent ? LabelSetRef{options_.label_set, *outcome.parent}.ToString()
                                     : options_.label_set + " (no version yet)");
  }
  return out;
}

const Json& AnnotateSession::Signals() const {
  std::call_once(signals_once_, [this] {
    std::map<std::string, std::vector<size_t>, std::less<>> by_signal;
    simdjson::dom::parser parser;
    for (size_t i = 0; i < queue_->size(); ++i) {
      std::string_view line = queue_->Line(i);
      simdjson::dom::element root;
      // The line is not padded for simdjson: let it copy (realloc_if_needed).
      if (parser.parse(line.data(), line.size(), true).get(root)) continue;
      simdjson::dom::array reasons;
      if (root["_triage"]["reasons"].get_array().get(reasons)) continue;
      for (simdjson::dom::element reason : reasons) {
        std::string_view signal;
        if (reason["signal"].get_string().get(signal)) continue;
        auto it = by_signal.find(signal);
        if (it == by_signal.end())
          it = by_signal.emplace(std::string(signal), std::vector<size_t>{}).first;
        if (it->second.empty() || it->second.back() != i) it->second.push_back(i);
      }
    }
    Json signals = Json::array();
    for (const auto& [signal, indexes] : by_signal) {
      signals.push_back({{"signal", signal}, {"indexes", indexes}});
    }
    signals_ = Json{{"signals", std::move(signals)}};
  });
  return signals_;
}

}  // namespace arbiter
