// What `arbiter annotate` serves, without HTTP (issue 17; SPEC "Annotation API"): the queue,
// one trace redacted with its triage reasons and scores, the failure modes, the labels (taken
// from the label set's latest version and its draft journal), progress and agreement.
// Thread-safe: the server calls it from several threads.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/annotate/draft.h"
#include "runner/annotate/label_quality.h"
#include "runner/annotate/trace_queue.h"
#include "runner/base/status.h"
#include "runner/labels/label_store.h"
#include "runner/redact/redactor.h"
#include "runner/scoring/score_rows.h"

namespace arbiter {

struct FailureModeInfo {
  std::string name;
  std::string description;  // the first evaluator's description
  std::string rubric;       // a judge's rubric text, "" when none
  LabelScale scale = LabelScale::kBinary;
  std::vector<std::string> evaluators;  // the ids declaring it
};

struct AnnotateOptions {
  std::filesystem::path queue;
  std::filesystem::path label_root = kDefaultLabelRoot;
  std::string label_set;
  std::string reviewer;  // the default reviewer; a request may name another (?reviewer=)
  // The suite's failure modes (--suite); with `have_suite` false, only the label set's modes
  // are known and any new one is accepted.
  std::vector<FailureModeInfo> suite_modes;
  bool have_suite = false;
  bool allow_new_failure_mode = false;
  std::string scores;  // a run's scores.jsonl; "" for none
  // Redaction as `arbiter redact` does; nullptr: --no-redact.
  std::shared_ptr<const Redactor> redactor;
  // --check: the draft is read, never created or locked (Draft::Access::kReadOnly).
  bool read_only = false;
};

// A request the session refuses: kBadRequest for what the client got wrong (HTTP 400), else the
// status is the server's failure (HTTP 500).
class AnnotateSession {
 public:
  // Opens the queue, the label set's latest version and its draft (taking its lock), and the
  // scores. Errors name the file.
  static Result<std::unique_ptr<AnnotateSession>> Open(const AnnotateOptions& options);

  const TraceQueue& queue() const { return *queue_; }
  const AnnotateOptions& options() const { return options_; }

  // GET /api/session without the csrf token (the server adds it).
  nlohmann::ordered_json Session(const std::string& reviewer) const;
  // GET /api/traces/{i}: NotFound past the end.
  Result<nlohmann::ordered_json> Trace(size_t index, const std::string& reviewer) const;
  // POST /api/labels: InvalidArgument (400) for an unknown trace or failure mode or a value off
  // the scale; answers once the label is on disk. `"label": null` withdraws it (undo).
  Result<nlohmann::ordered_json> PostLabel(const nlohmann::json& body, const std::string& reviewer);
  // GET /api/labels: the reviewer's labels (all of them, queue order).
  nlohmann::ordered_json Labels(const std::string& reviewer) const;
  // GET /api/progress.
  nlohmann::ordered_json Progress(const std::string& reviewer) const;
  // POST /api/commit.
  Result<nlohmann::ordered_json> Commit();
  // GET /api/signals, the page's filter by triage signal: {"signals": [{"signal", "indexes"}]},
  // each signal that a trace's `_triage.reasons` name, sorted by name, with the queue indexes of
  // the traces that carry it, in queue order. Read from every line on the first call and kept
  // (the queue does not change while it is served); empty for a queue without triage reasons.
  const nlohmann::ordered_json& Signals() const;

 private:
  AnnotateSession() = default;
  std::vector<Label> CurrentLabels() const;  // REQUIRES: mu_ held
  nlohmann::ordered_json ModesJson() const;  // REQUIRES: mu_ held

  AnnotateOptions options_;
  std::unique_ptr<TraceQueue> queue_;
  std::unique_ptr<LabelStore> store_;
  std::map<std::string, std::vector<ScoreRow>> scores_;  // by trace id, queue traces only

  mutable std::mutex mu_;
  std::unique_ptr<Draft> draft_;
  std::vector<Label> base_;  // the latest version's labels
  std::optional<int> base_version_;
  std::map<std::string, FailureModeInfo> modes_;  // known failure modes, by name
  std::vector<std::string> mode_order_;           // suite order, then the label set's
  std::map<LabelKey, Label> current_;             // base_ with the draft laid over it

  mutable std::once_flag signals_once_;
  mutable nlohmann::ordered_json signals_;  // set once, by Signals()
};

}  // namespace arbiter
