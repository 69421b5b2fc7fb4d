#include "runner/serve/receiver.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unordered_set>

#include <google/protobuf/arena.h>
#include <nlohmann/json.hpp>

#include "runner/base/atomic_file.h"
#include "runner/source/otlp/mapping.h"
#include "runner/source/otlp/proto.h"

namespace arbiter {
namespace {

namespace fs = std::filesystem;

std::string Serialize(const std::vector<OtlpSpan>& spans) {
  google::protobuf::Arena arena;  // as DecodeOtlpBody: one free, not one per string
  auto* request = google::protobuf::Arena::CreateMessage<OtlpExportRequest>(&arena);
  WriteOtlpProto(spans, *request);
  return request->SerializeAsString();
}

// A journal record is CRC-checked and was serialized by Serialize(): one that does not parse
// means the journal is not what this code wrote, which neither replay nor a cut may skip.
Status UnreadableRecord(size_t bytes) {
  return Status::Corruption(WithOtlpParseProblem("journal record of " + std::to_string(bytes) +
                                                 " bytes is not an OTLP request"));
}

fs::path StatePath(const fs::path& out) { return out / "serve-state.json"; }

// Where the previous run's clean shutdown closed its partial window, or 0.
uint64_t ReadResume(const fs::path& out) {
  std::ifstream in(StatePath(out));
  if (!in) return 0;
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json state = nlohmann::json::parse(text.str(), nullptr, false);
  if (!state.is_object() || !state["resume_ms"].is_number_unsigned()) return 0;
  return state["resume_ms"].get<uint64_t>();
}

}  // namespace

Refusal CountRefusal(const IngestOutcome& outcome, ServeMetrics& metrics) {
  switch (outcome.code) {
    case IngestOutcome::kFull:
      ++metrics.requests_full;
      return {1, outcome.message};
    case IngestOutcome::kJournalError:
      ++metrics.requests_disk;
      return {5, outcome.message};
    case IngestOutcome::kStopping:
      ++metrics.requests_stopping;
      return {5, "the receiver is shutting down"};
    case IngestOutcome::kOk:
      break;
  }
  return {};
}

uint64_t Receiver::NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

Receiver::Receiver(const ServeOptions& options, const SamplePolicy& policy,
                   const TriageOptions& triage, const Redactor* redactor, std::FILE* log)
    : options_(options),
      policy_(policy),
      triage_(triage),
      redactor_(redactor),
      log_(log),
      assembler_(options.assembly) {}

Result<std::unique_ptr<Receiver>> Receiver::Start(const ServeOptions& options,
                                                  const SamplePolicy& policy,
                                                  const TriageOptions& triage,
                                                  const Redactor* redactor, std::FILE* log) {
  std::unique_ptr<Receiver> receiver(new Receiver(options, policy, triage, redactor, log));
  std::error_code ec;
  // Spools are rebuilt from the journal: what a crash left there is not trusted.
  fs::remove_all(options.out / "spool", ec);
  fs::create_directories(options.out / "spool", ec);
  if (ec) return Status::IoError((options.out / "spool").string() + ": " + ec.message());
  receiver->resume_ms_ = ReadResume(options.out);
  std::vector<JournalRecord> records;
  uint64_t torn = 0;
  ARBITER_ASSIGN_OR_RETURN(receiver->journal_,
                           Journal::Open(options.out / "journal", records, torn));
  if (torn > 0) {
    std::fprintf(log,
                 "arbiter serve: journal: dropped a torn tail of %llu bytes (never "
                 "acknowledged)\n",
                 static_cast<unsigned long long>(torn));
  }
  ARBITER_RETURN_IF_ERROR(receiver->Replay(records));
  receiver->writer_ = std::thread([r = receiver.get()] { r->WriterLoop(); });
  receiver->ticker_ = std::thread([r = receiver.get()] { r->TickLoop(); });
  return receiver;
}

Status Receiver::Replay(std::vector<JournalRecord>& records) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t spans_replayed = 0;
  for (JournalRecord& record : records) {
    std::vector<OtlpSpan> spans;
    std::vector<std::string> problems;
    if (!ReadOtlpProtoBytes(record.payload, spans, problems)) {
      return UnreadableRecord(record.payload.size());
    }
    clock_ms_ = std::max(clock_ms_, record.recv_ms);
    spans_replayed += spans.size();
    Assemble(spans, record.recv_ms);
    record.payload = std::string();
  }
  metrics_.replayed_spans = spans_replayed;
  metrics_.inflight_traces = assembler_.open_traces();
  metrics_.journal_bytes = journal_->bytes();
  if (spans_replayed > 0) {
    std::fprintf(log_, "arbiter serve: replayed %llu spans from the journal\n",
                 static_cast<unsigned long long>(spans_replayed));
  }
  return Status::OK();
}

Receiver::~Receiver() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ticker_stop_ = true;
  }
  tick_cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  (void)DrainWriter();
  {
    std::lock_guard<std::mutex> lock(writer_mu_);
    writer_stop_ = true;
  }
  writer_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  for (auto& [start, file] : spools_) std::fclose(file);
}

uint64_t Receiver::WindowStart(uint64_t complete_ms) const {
  uint64_t aligned = complete_ms - complete_ms % options_.window_ms;
  if (resume_ms_ > aligned && resume_ms_ < aligned + options_.window_ms) return resume_ms_;
  return aligned;
}

void Receiver::LogOnce(bool& flag, const std::string& message) {
  if (flag) return;
  flag = true;
  std::fprintf(log_, "arbiter serve: %s\n", message.c_str());
  std::fflush(log_);
}

void Receiver::Assemble(std::vector<OtlpSpan>& spans, uint64_t recv_ms) {
  for (OtlpSpan& span : spans) {
    LiveAssembler::Emitted trace;
    if (assembler_.Accepts(span.trace_id, recv_ms, emitted_, &trace) ==
        LiveAssembler::Verdict::kAmend) {
      amending_.push_back(PendingAmendment{std::move(span.trace_id), trace, recv_ms});
    } else {
      assembler_.Add(std::move(span), recv_ms);
    }
  }
}

IngestOutcome Receiver::Ingest(ExportSpans&& request) {
  IngestOutcome outcome;
  uint64_t invalid =
      request.declared > request.spans.size() ? request.declared - request.spans.size() : 0;
  // Serialized before taking the lock: every readable span but a late one is journaled (it
  // assembles a trace or amends one).
  std::string payload = request.spans.empty() ? std::string() : Serialize(request.spans);
  uint64_t sequence = 0, accepted_count = 0, late = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      outcome.code = IngestOutcome::kStopping;
      return outcome;
    }
    uint64_t recv_ms = ClockMs();
    std::unordered_set<std::string_view> fresh;
    for (const OtlpSpan& span : request.spans) {
      LiveAssembler::Arrival arrival = assembler_.Classify(span.trace_id, recv_ms);
      if (arrival == LiveAssembler::Arrival::kNew) fresh.insert(span.trace_id);
      if (arrival == LiveAssembler::Arrival::kLate) ++late;
    }
    if (!fresh.empty() && assembler_.open_traces() + fresh.size() > options_.max_inflight_traces) {
      outcome.code = IngestOutcome::kFull;
      outcome.message = "max_inflight_traces (" + std::to_string(options_.max_inflight_traces) +
                        ") traces are being assembled";
      return outcome;
    }
    if (late > 0) {
      // Refused in partial_success, not journaled. Rare, so the request is serialized again here,
      // under the lock, only when it held late spans.
      std::erase_if(request.spans, [&](const OtlpSpan& span) {
        return assembler_.IsLate(span.trace_id, recv_ms);
      });
      payload = request.spans.empty() ? std::string() : Serialize(request.spans);
    }
    if (!request.spans.empty()) {
      Result<uint64_t> appended = journal_->Append(recv_ms, payload);
      if (!appended.ok()) {
        LogOnce(journal_error_logged_, "cannot write the journal (answering 503 until it can): " +
                                           appended.status().message());
        outcome.code = IngestOutcome::kJournalError;
        outcome.message = "the journal cannot be written";
        return outcome;
      }
      journal_error_logged_ = false;
      clock_ms_ = recv_ms;
      sequence = *appended;
      accepted_count = request.spans.size();
      Assemble(request.spans, recv_ms);
    }
    metrics_.inflight_traces = assembler_.open_traces();
  }
  if (sequence > 0) {
    Status durable = journal_->WaitDurable(sequence);
    if (!durable.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      LogOnce(journal_error_logged_, "journal sync failed: " + durable.message());
      outcome.code = IngestOutcome::kJournalError;
      outcome.message = "the journal cannot be written";
      return outcome;
    }
  }
  metrics_.spans_received += accepted_count;
  metrics_.spans_invalid += invalid;
  metrics_.spans_late += late;
  outcome.rejected = invalid + late;
  if (late > 0) {
    outcome.message = std::to_string(late) + " span" + (late == 1 ? "" : "s") +
                      " came after their trace's late window (--late-window after it "
                      "completed)";
  }
  for (size_t i = 0; i < request.problems.size() && i < 3; ++i) {
    outcome.message += (outcome.message.empty() ? "" : "; ") + request.problems[i];
  }
  return outcome;
}

void Receiver::RecordAmendments() {
  for (PendingAmendment& span : amending_) {
    ++metrics_.spans_amending;
    auto window = windows_.find(WindowStart(span.trace.complete_ms));
    if (window == windows_.end()) {
      // Not expected: a window is written `late` after its end by a clock that never goes back,
      // when every trace of it has been forgotten. Were it to happen, say so rather than drop
      // the span without a word.
      ++metrics_.spans_amending_lost;
      std::fprintf(log_, "arbiter serve: a span of trace %s came after its window was written\n",
                   span.trace_id.c_str());
      continue;
    }
    AmendedTrace& trace =
        window->second.amendments[{std::move(span.trace_id), span.trace.first_recv_ms}];
    trace.spans_at_completion = span.trace.spans;
    trace.last_recv_ms = std::max(trace.last_recv_ms, span.recv_ms);
  }
  amending_.clear();
}

Status Receiver::Advance(uint64_t now_ms, bool final, std::vector<Completed>& completed,
                         std::vector<Cut>& cuts) {
  assembler_.Sweep(now_ms, emitted_);
  if (final) assembler_.Flush(now_ms, emitted_);
  metrics_.inflight_traces = assembler_.open_traces();
  for (LiveAssembler::Trace& trace : emitted_) {
    uint64_t start = WindowStart(trace.complete_ms);
    auto [it, inserted] = windows_.try_emplace(start);
    Window& window = it->second;
    if (inserted) {
      // Opened before the first window (a replay completing an old trace): the former first
      // window never listed its traces.
      if (it == windows_.begin() && std::next(it) != windows_.end()) {
        std::next(it)->second.ids_complete = false;
      }
      window.end_ms =
          trace.complete_ms - trace.complete_ms % options_.window_ms + options_.window_ms;
      window.spool = options_.out / "spool" / (std::to_string(start) + ".jsonl");
    }
    ++window.traces;
    if (it != windows_.begin()) window.ids.push_back(trace.trace_id);
    completed.push_back(Completed{std::move(trace), start});
  }
  emitted_.clear();
  RecordAmendments();
  if (final && windows_.empty()) {
    // A shutdown writes the window it interrupts even when no trace completed in it.
    uint64_t start = WindowStart(now_ms);
    Window& window = windows_[start];
    window.end_ms = now_ms - now_ms % options_.window_ms + options_.window_ms;
    window.spool = options_.out / "spool" / (std::to_string(start) + ".jsonl");
  }
  while (!windows_.empty()) {
    auto first = windows_.begin();
    // Written once no trace of it can be amended: `late` after its end.
    if (!final && first->second.end_ms + options_.assembly.late_ms > now_ms) break;
    Cut cut;
    cut.start_ms = first->first;
    cut.window = std::move(first->second);
    if (cut.window.end_ms > now_ms) {  // closed before its end: a shutdown
      cut.window.partial = true;
      cut.window.end_ms = now_ms;
    }
    windows_.erase(first);
    for (std::string& id : assembler_.OpenIds()) cut.owed.insert(std::move(id));
    for (const auto& [start, window] : windows_) {
      for (const std::string& id : window.ids) cut.owed.insert(id);
      if (!window.ids_complete) cut.carry_all = true;
    }
    if (!windows_.empty()) windows_.begin()->second.ids = {};  // the first window: not owed
    ARBITER_ASSIGN_OR_RETURN(cut.segment, journal_->Rotate());
    cuts.push_back(std::move(cut));
  }
  return Status::OK();
}

Status Receiver::Finish(std::vector<Completed>& completed, std::vector<Cut>& cuts) {
  for (Completed& done : completed) {
    // The policy's `otlp:` options, as `arbiter sample --policy` maps OTLP files.
    Result<std::string> mapped = TryMapOtlpTraceJson(done.trace.spans, policy_.otlp);
    if (!mapped.ok()) {
      ++metrics_.traces_unmappable;
      std::fprintf(log_, "arbiter serve: %s; dropped\n", mapped.status().message().c_str());
      continue;
    }
    std::string& json = *mapped;
    std::FILE*& file = spools_[done.window];
    if (file == nullptr) {
      fs::path path = options_.out / "spool" / (std::to_string(done.window) + ".jsonl");
      file = std::fopen(path.c_str(), "ab");
      if (file == nullptr) return Status::IoError(path.string() + ": cannot open the spool");
    }
    json += '\n';
    if (std::fwrite(json.data(), 1, json.size(), file) != json.size()) {
      return Status::IoError("cannot write the spool of window " + WindowName(done.window));
    }
    ++metrics_.traces_assembled;
  }
  completed.clear();

  for (Cut& cut : cuts) {
    auto open = spools_.find(cut.start_ms);
    if (open != spools_.end()) {
      std::fclose(open->second);
      spools_.erase(open);
    }
    if (!fs::exists(cut.window.spool)) {
      std::FILE* empty = std::fopen(cut.window.spool.c_str(), "wb");
      if (empty != nullptr) std::fclose(empty);
    }
    {
      std::lock_guard<std::mutex> lock(writer_mu_);
      writer_queue_.push_back(std::move(cut));
    }
    writer_cv_.notify_all();
  }
  cuts.clear();
  return Status::OK();
}

void Receiver::WriterLoop() {
  std::unique_lock<std::mutex> lock(writer_mu_);
  while (true) {
    writer_cv_.wait(lock, [this] { return writer_stop_ || !writer_queue_.empty(); });
    if (writer_queue_.empty()) return;  // stopping, and nothing owed
    Cut cut = std::move(writer_queue_.front());
    writer_queue_.pop_front();
    writer_busy_ = true;
    lock.unlock();
    Status written = WriteCut(cut);
    if (!written.ok()) {
      std::fprintf(log_, "arbiter serve: %s\n", written.message().c_str());
      std::fflush(log_);
    }
    lock.lock();
    writer_busy_ = false;
    if (!written.ok() && writer_error_.ok()) writer_error_ = written;
    writer_cv_.notify_all();
  }
}

Status Receiver::DrainWriter() {
  std::unique_lock<std::mutex> lock(writer_mu_);
  writer_cv_.wait(lock, [this] { return writer_queue_.empty() && !writer_busy_; });
  return writer_error_;
}

Status Receiver::WriteCut(Cut& cut) {
  WindowSettings settings;
  settings.policy = &policy_;
  settings.triage = &triage_;
  settings.redactor = redactor_;
  settings.seed = options_.seed;
  settings.focus_state = options_.out / "focus-state.json";
  // The journal still holds every span of the window's traces: read it before the outputs, for
  // the amended traces; cut it after them.
  std::vector<fs::path> before = journal_->FilesBefore(cut.segment);
  ARBITER_ASSIGN_OR_RETURN(std::unique_ptr<Journal::CarryWriter> carry,
                           journal_->BeginCarry(cut.segment));
  ARBITER_RETURN_IF_ERROR(ReadJournalForCut(before, cut, *carry));
  fs::path spool = cut.window.spool;
  AmendCounts amended;
  if (!cut.window.amendments.empty()) {
    spool = options_.out / "spool" / (std::to_string(cut.start_ms) + ".amended.jsonl");
    ARBITER_ASSIGN_OR_RETURN(
        amended, AmendSpool(cut.window.spool, spool, cut.window.amendments, policy_.otlp));
    metrics_.traces_amended += amended.amended;
    metrics_.traces_unmappable += amended.unmappable;
  }
  ARBITER_ASSIGN_OR_RETURN(
      WindowSummary summary,
      WriteWindowOutputs(options_.out, spool,
                         WindowSpan{cut.start_ms, cut.window.end_ms, cut.window.partial}, settings,
                         log_));
  metrics_.traces_sampled += summary.sampled;
  metrics_.traces_queued += summary.queued;
  ++metrics_.windows_closed;
  std::string amended_text =
      amended.amended > 0 ? " (" + std::to_string(amended.amended) + " amended)" : "";
  std::fprintf(log_, "arbiter serve: window %s%s: %llu traces%s, %llu sampled, %llu queued\n",
               WindowName(cut.start_ms).c_str(), cut.window.partial ? " (partial)" : "",
               static_cast<unsigned long long>(summary.traces), amended_text.c_str(),
               static_cast<unsigned long long>(summary.sampled),
               static_cast<unsigned long long>(summary.queued));
  std::fflush(log_);

  ARBITER_RETURN_IF_ERROR(journal_->CommitCarry(*carry, before));
  metrics_.journal_bytes = journal_->bytes();
  std::error_code ec;
  fs::remove(cut.window.spool, ec);
  if (spool != cut.window.spool) fs::remove(spool, ec);
  return Status::OK();
}

Status Receiver::ReadJournalForCut(const std::vector<fs::path>& files, Cut& cut,
                                   Journal::CarryWriter& carry) {
  // The cut reads minutes of traffic (the window and its late window): each record's trace ids
  // decide, from the parsed message, without reading its spans' attributes into OtlpSpans, which
  // only the rare record holding a span of an amended trace needs.
  OtlpExportRequest request;
  for (const fs::path& path : files) {
    ARBITER_RETURN_IF_ERROR(
        Journal::ScanSegment(path, [&](uint64_t recv_ms, std::string_view payload) -> Status {
          if (!ParseOtlpRequest(payload, request)) {
            return UnreadableRecord(payload.size());
          }
          size_t spans = 0, owed = 0;
          bool amends = false;
          for (const auto& resource : request.resource_spans()) {
            for (const auto& scope : resource.scope_spans()) {
              for (const auto& span : scope.spans()) {
                std::string trace_id = OtlpHexId(span.trace_id());
                ++spans;
                if (cut.carry_all || cut.owed.count(trace_id)) ++owed;
                if (!cut.window.amendments.empty()) {
                  auto it = cut.window.amendments.lower_bound({trace_id, 0});
                  amends |= it != cut.window.amendments.end() && it->first.first == trace_id;
                }
              }
            }
          }
          if (amends) {
            std::vector<OtlpSpan> read;
            std::vector<std::string> problems;
            ReadOtlpProto(request, read, problems);
            CollectAmendedSpans(read, recv_ms, cut.window.amendments);
          }
          if (owed == 0) return Status::OK();
          if (owed == spans) return carry.Add(recv_ms, payload);
          KeepOtlpSpans(request, [&](const std::string& trace_id) {
            return cut.owed.count(OtlpHexId(trace_id)) > 0;
          });
          return carry.Add(recv_ms, request.SerializeAsString());
        }));
  }
  return Status::OK();
}

void Receiver::TickLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!ticker_stop_) {
    tick_cv_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms));
    if (ticker_stop_) break;
    std::vector<Completed> completed;
    std::vector<Cut> cuts;
    clock_ms_ = ClockMs();
    Status advanced = Advance(clock_ms_, false, completed, cuts);
    metrics_.journal_bytes = journal_->bytes();
    lock.unlock();
    Status finished = advanced.ok() ? Finish(completed, cuts) : advanced;
    if (!finished.ok()) {
      std::fprintf(log_, "arbiter serve: %s\n", finished.message().c_str());
      std::fflush(log_);
    }
    lock.lock();
  }
}

Status Receiver::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    ticker_stop_ = true;
  }
  tick_cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  std::vector<Completed> completed;
  std::vector<Cut> cuts;
  uint64_t now_ms = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    now_ms = clock_ms_ = ClockMs();
    ARBITER_RETURN_IF_ERROR(Advance(now_ms, true, completed, cuts));
  }
  ARBITER_RETURN_IF_ERROR(Finish(completed, cuts));
  ARBITER_RETURN_IF_ERROR(DrainWriter());
  // The next run's first window starts where this one stopped, so no name is written twice.
  nlohmann::ordered_json state;
  state["resume_ms"] = now_ms;
  return WriteFileAtomic(StatePath(options_.out), state.dump() + "\n");
}

}  // namespace arbiter
