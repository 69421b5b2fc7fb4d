// The heart of `arbiter serve`, without the network: accepted spans go to the journal (durable
// before the caller answers), into live assembly, completed traces into their window's spool,
// and each window, once its end has passed, into its sample and triage queue (window_output.h).
//
// Windows: a trace belongs to the window holding its completion time (live_assembler.h), windows
// are aligned on multiples of their length since the Unix epoch (UTC), except the first after a
// clean shutdown, which starts where the partial one ended. A window is written `late` after its
// end, when no trace of it can be amended any more (amendment.h). The journal is cut at each
// window close: once a window's outputs are written, what the journal still owes (spans of traces
// not in that window) is carried into a new segment and the rest removed.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "runner/base/status.h"
#include "runner/redact/redactor.h"
#include "runner/sampling/policy.h"
#include "runner/serve/amendment.h"
#include "runner/serve/journal.h"
#include "runner/serve/live_assembler.h"
#include "runner/serve/metrics.h"
#include "runner/serve/window_output.h"
#include "runner/source/otlp/span.h"
#include "runner/triage/options.h"

namespace arbiter {

struct ServeOptions {
  std::filesystem::path out;
  uint64_t window_ms = 3600000;
  LiveAssemblyOptions assembly;
  size_t max_inflight_traces = 20000;
  uint64_t seed = 1;
  uint64_t tick_ms = 100;  // how often completion and window ends are checked
};

// A decoded export request.
struct ExportSpans {
  std::vector<OtlpSpan> spans;
  std::vector<std::string> problems;  // why spans were skipped
  uint64_t declared = 0;              // spans in the request, readable or not
};

struct IngestOutcome {
  enum Code { kOk, kFull, kJournalError, kStopping } code = kOk;
  uint64_t rejected = 0;  // spans not accepted (kOk only)
  std::string message;    // partial success or error
};

// How a refused ingest is answered, the same over HTTP and gRPC: after how many seconds to
// retry, and why. Counts the refusal in `metrics`.
struct Refusal {
  int retry_seconds = 0;
  std::string message;
};
Refusal CountRefusal(const IngestOutcome& outcome, ServeMetrics& metrics);

class Receiver {
 public:
  // Replays the journal under `options.out`/journal and starts the window clock. `policy`,
  // `triage` and `redactor` must outlive the receiver.
  static Result<std::unique_ptr<Receiver>> Start(const ServeOptions& options,
                                                 const SamplePolicy& policy,
                                                 const TriageOptions& triage,
                                                 const Redactor* redactor, std::FILE* log);
  ~Receiver();

  // Journals the acceptable spans (durable on return) and assembles them.
  IngestOutcome Ingest(ExportSpans&& request);

  // Stops accepting (every later Ingest is kStopping), completes every open trace as it is,
  // closes the open window early (partial) and writes it, and empties the journal.
  Status Shutdown();

  bool stopping() {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_;
  }
  const ServeMetrics& metrics() const { return metrics_; }
  ServeMetrics& metrics() { return metrics_; }

  // The clock, in Unix ms; tests may replace it.
  static uint64_t NowMs();

 private:
  struct Window {
    uint64_t end_ms = 0;
    std::filesystem::path spool;
    std::FILE* file = nullptr;
    uint64_t traces = 0;
    bool partial = false;
    std::vector<std::string> ids;  // kept while a window before it is still open
    bool ids_complete = true;      // false: it was first when a window opened before it
    Amendments amendments;         // its traces that late spans amended
  };
  struct PendingAmendment {  // an amending span, until Advance() finds its trace's window
    std::string trace_id;
    LiveAssembler::Emitted trace;
    uint64_t recv_ms = 0;
  };
  struct Completed {
    LiveAssembler::Trace trace;
    uint64_t window = 0;
  };
  struct Cut {
    uint64_t start_ms = 0;
    Window window;
    uint64_t segment = 0;                  // the journal segment started at the cut
    std::unordered_set<std::string> owed;  // traces whose spans stay in the journal
    bool carry_all = false;                // owed unknown: keep every span (replay re-closes alike)
  };

  Receiver(const ServeOptions& options, const SamplePolicy& policy, const TriageOptions& triage,
           const Redactor* redactor, std::FILE* log);
  Status Replay(std::vector<JournalRecord>& records);
  uint64_t WindowStart(uint64_t complete_ms) const;
  // Under mu_: assigns completed traces to windows and cuts every window that ended by `now_ms`
  // (all of them when `final`).
  Status Advance(uint64_t now_ms, bool final, std::vector<Completed>& completed,
                 std::vector<Cut>& cuts);
  // Without mu_: spools the completed traces, closes each cut window's spool and hands the cut
  // to the writer.
  Status Finish(std::vector<Completed>& completed, std::vector<Cut>& cuts);
  // The writer thread writes cut windows (sample, partial sample, triage queue) and carries the
  // journal, one cut at a time in cut order, apart from the ticker: a minute of heavy traffic
  // takes seconds to sample and triage, in which a ticker that also wrote would complete no trace
  // and in-flight traces would pile up to their bound (503s).
  void WriterLoop();
  Status WriteCut(Cut& cut);
  // Reads the journal files before the cut, a record at a time: the records still owed into
  // `carry`, the spans of the window's amended traces into its amendments.
  Status ReadJournalForCut(const std::vector<std::filesystem::path>& files, Cut& cut,
                           Journal::CarryWriter& carry);
  // Under mu_: now by the receiver's clock, which has not advanced yet (callers store it).
  uint64_t ClockMs() const { return std::max(NowMs(), clock_ms_); }
  // Under mu_: hands journaled spans received at `recv_ms` to assembly, or to `amending_`.
  void Assemble(std::vector<OtlpSpan>& spans, uint64_t recv_ms);
  // Under mu_, in Advance(): records the amending spans against their traces' windows.
  void RecordAmendments();
  // Waits until every cut handed over is written; the first error the writer met.
  Status DrainWriter();
  void TickLoop();
  void LogOnce(bool& flag, const std::string& message);

  ServeOptions options_;
  const SamplePolicy& policy_;
  const TriageOptions& triage_;
  const Redactor* redactor_;
  std::FILE* log_;
  ServeMetrics metrics_;
  std::unique_ptr<Journal> journal_;
  uint64_t resume_ms_ = 0;  // where the previous run's partial window ended

  std::mutex mu_;  // the assembler, the windows, the journal's order
  LiveAssembler assembler_;
  std::vector<LiveAssembler::Trace> emitted_;  // completed by Ingest, not yet assigned
  std::vector<PendingAmendment> amending_;     // accepted amending spans, not yet recorded
  std::map<uint64_t, Window> windows_;         // by start
  // The receiver's clock (ClockMs): never goes back, nor behind a receive time replayed, so a span
  // received after a tick wrote a window (whose traces were all forgotten by then) cannot amend
  // a trace of it.
  uint64_t clock_ms_ = 0;
  bool stopping_ = false;
  bool journal_error_logged_ = false;

  std::map<uint64_t, std::FILE*> spools_;  // open spool files by window start (Finish only)
  std::condition_variable tick_cv_;
  bool ticker_stop_ = false;
  std::thread ticker_;

  std::mutex writer_mu_;  // the writer's queue, flag and first error
  std::condition_variable writer_cv_;
  std::deque<Cut> writer_queue_;
  bool writer_busy_ = false;
  bool writer_stop_ = false;
  Status writer_error_;
  std::thread writer_;
};

}  // namespace arbiter
