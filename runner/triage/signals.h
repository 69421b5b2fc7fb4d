// The signals `arbiter triage` reads from one trace on its own (context pressure, tool errors,
// refusals, guardrails, negative feedback), and the fields the queue needs to judge the others
// (token spikes against a group, re-submissions within a session) once every trace is read.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "runner/base/status.h"
#include "runner/triage/options.h"

namespace arbiter {

class RefusalMatcher;

// Why a trace is in the queue: one per fired signal.
struct TriageReason {
  TriageSignal signal;
  double strength = 0;  // before the signal's weight
  std::string detail;   // for the annotator: "input tokens 7,950 of 8,192 (97%)"
};

// One trace's fields, as views into the parsed document.
struct TraceFacts {
  std::string_view trace_id;
  std::string_view session_id;  // "" when absent: the trace has no session
  std::string_view model;       // "" when absent
  std::string_view intent;      // metadata.intent, "" when absent
  std::string_view input;       // "" when absent or not a string
  bool has_timestamp = false;
  uint64_t timestamp_ns = 0;  // Unix time of `timestamp` (RFC 3339)
  bool has_tokens = false;
  double total_tokens = 0;  // usage.total_tokens, else input_tokens + output_tokens
  // The local signals' strengths (0: not fired); token_spike and resubmission stay 0 here.
  std::array<double, kTriageSignalCount> strength{};
};

class LocalSignals {
 public:
  // Compiles the refusal phrases; an error names a phrase RE2 rejects.
  static Result<std::unique_ptr<LocalSignals>> Create(const TriageOptions& options);
  ~LocalSignals();

  // Reads `root` into `facts`. Returns "" or why the trace cannot be triaged (it has no
  // trace_id). With `reasons`, also appends the fired local signals' details, in signal order;
  // the hot path passes nullptr and only the queued traces pay for the text.
  std::string Read(simdjson::dom::element root, TraceFacts& facts,
                   std::vector<TriageReason>* reasons) const;

 private:
  LocalSignals(const TriageOptions& options, std::unique_ptr<RefusalMatcher> refusal);
  const TriageOptions& options_;
  std::unique_ptr<RefusalMatcher> refusal_;
  std::vector<std::string> statuses_;        // lower case
  std::vector<std::string> finish_reasons_;  // lower case
};

}  // namespace arbiter
