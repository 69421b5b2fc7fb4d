#include "runner/triage/stream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <utility>

#include <simdjson.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "runner/base/json_error.h"
#include "runner/scoring/run_pipeline.h"
#include "runner/source/record_scan.h"
#include "runner/source/trace_source.h"
#include "runner/stats/stats.h"
#include "runner/trace/trace_field.h"
#include "runner/triage/queue.h"
#include "runner/triage/signals.h"

namespace arbiter {
namespace {

// Standard input's records, one per line, in a temporary file removed on destruction: the
// second read fetches the queued ones from here.
class Spool {
 public:
  static Result<std::unique_ptr<Spool>> Create() {
    std::string path = (std::filesystem::temp_directory_path() / "arbiter-triage-XXXXXX").string();
    int fd = mkstemp(path.data());
    if (fd < 0) {
      return Status::IoError(path +
                             ": cannot create a spool for standard input: " + std::strerror(errno));
    }
    std::FILE* file = fdopen(fd, "wb");
    if (!file) {
      close(fd);
      unlink(path.c_str());
      return Status::IoError(path + ": cannot open the spool: " + std::strerror(errno));
    }
    return std::unique_ptr<Spool>(new Spool(std::move(path), file));
  }
  ~Spool() {
    if (file_) std::fclose(file_);
    unlink(path_.c_str());
  }
  Status Append(std::string_view record) {
    if (std::fwrite(record.data(), 1, record.size(), file_) != record.size() ||
        std::fputc('\n', file_) == EOF) {
      return Status::IoError(path_ + ": cannot write the spool: " + std::strerror(errno));
    }
    return Status::OK();
  }
  Status Close() {
    int closed = std::fclose(file_);
    file_ = nullptr;
    if (closed != 0)
      return Status::IoError(path_ + ": cannot write the spool: " + std::strerror(errno));
    return Status::OK();
  }
  const std::string& path() const { return path_; }

 private:
  Spool(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  std::string path_;
  std::FILE* file_;
};

// One queued trace as its output line: the trace as read, `_triage` last, redacted.
class Renderer {
 public:
  Renderer(const LocalSignals& signals, const Redactor* redactor, RedactionCounts& counts)
      : signals_(signals), redactor_(redactor), counts_(counts) {}

  Result<std::string> Render(std::string_view json, const QueuedTrace& queued, size_t rank) {
    simdjson::dom::element root;
    std::vector<TriageReason> reasons;
    TraceFacts facts;
    if (parser_.parse(json.data(), json.size()).get(root) ||
        !signals_.Read(root, facts, &reasons).empty() || facts.trace_id != queued.trace_id) {
      return Status::IoError("trace '" + queued.trace_id +
                             "' is not where the first read found it: did an input change?");
    }
    reasons.insert(reasons.end(), queued.reasons.begin(), queued.reasons.end());
    std::stable_sort(
        reasons.begin(), reasons.end(),
        [](const TriageReason& a, const TriageReason& b) { return a.signal < b.signal; });
    nlohmann::ordered_json document = nlohmann::ordered_json::parse(json, nullptr, false);
    if (document.is_discarded())
      return Status::Internal("trace '" + queued.trace_id + "': not JSON");
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const TriageReason& reason : reasons) {
      list.push_back({{"signal", TriageSignalName(reason.signal)}, {"detail", reason.detail}});
    }
    nlohmann::ordered_json triage = {
        {"rank", rank}, {"score", RoundTo(queued.score, 3)}, {"reasons", list}};
    // An earlier triage's `_triage` goes before redaction, so that its text is not counted.
    document.erase("_triage");
    if (redactor_) {
      redactor_->RedactJson(document, counts_);
      redactor_->RedactJson(triage, counts_);  // a quoted feedback comment may hold PII
    }
    constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;
    Result<std::string> line = SetTopLevelField(document.dump(-1, ' ', false, kReplace), "_triage",
                                                triage.dump(-1, ' ', false, kReplace));
    if (!line.ok()) return Status::Internal("trace '" + queued.trace_id + "': not JSON");
    *line += '\n';
    return line;
  }

 private:
  const LocalSignals& signals_;
  const Redactor* redactor_;
  RedactionCounts& counts_;
  simdjson::dom::parser parser_;
};

// The queued records of one input, in rank order in `lines`.
Status FetchQueued(const std::string& path, bool spooled, const OtlpMappingOptions& otlp,
                   const std::vector<std::pair<uint64_t, size_t>>& wanted,
                   const std::vector<QueuedTrace>& queued, Renderer& renderer,
                   std::vector<std::string>& lines) {
  SourceOptions options;
  options.hash_input = false;
  options.otlp = otlp;
  if (spooled) {
    // The spool holds records, not the original lines: JSONL whatever standard input was, and
    // an assembled OTLP trace may be longer than the line limit.
    options.format = TraceFormat::kJsonl;
    options.max_line_bytes = size_t{1} << 31;
  }
  ARBITER_ASSIGN_OR_RETURN(auto source, OpenTraceSource(path, options));
  TraceRecord record;
  uint64_t ordinal = 0;
  size_t next = 0;
  while (next < wanted.size() && source->Next(record)) {
    if (!record.error.empty()) continue;
    if (ordinal++ != wanted[next].first) continue;
    size_t rank = wanted[next].second;
    Result<std::string> line = renderer.Render(record.json, queued[rank], rank + 1);
    if (!line.ok()) return line.status().WithContext(path + ": ");
    lines[rank] = std::move(*line);
    ++next;
  }
  ARBITER_RETURN_IF_ERROR(source->status());
  if (next < wanted.size()) {
    return Status::IoError(path + ": has fewer records than on the first read: did it change?");
  }
  return Status::OK();
}

}  // namespace

Result<TriageSummary> TriageTraces(const std::vector<std::string>& inputs,
                                   const TriageOptions& options, const Redactor* redactor,
                                   AtomicFile& out, std::FILE* diagnostics) {
  ARBITER_ASSIGN_OR_RETURN(std::unique_ptr<LocalSignals> signals, LocalSignals::Create(options));
  TriageSummary summary;
  std::vector<std::unique_ptr<Spool>> spools(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!IsStreamInput(inputs[i])) continue;  // a pipe can be read only once: keep a copy
    ARBITER_ASSIGN_OR_RETURN(std::unique_ptr<Spool> spool, Spool::Create());
    spools[i] = std::move(spool);
  }

  // First read: one compact record per trace, parsed on `threads` workers, each adding to its
  // own shard of the queue, so that the only serial work per trace is the reader's.
  const size_t workers = static_cast<size_t>(ResolveThreads(static_cast<int>(options.threads)));
  TriageQueue queue(options, workers);
  std::vector<simdjson::dom::parser> parsers(workers);
  std::vector<TraceFacts> facts(workers);
  ScanCallbacks callbacks;
  callbacks.read = [&](size_t input, std::string_view json) {
    return spools[input] ? spools[input]->Append(json) : Status::OK();
  };
  callbacks.parse = [&](size_t worker, const ScannedRecord& record) -> Result<std::string> {
    simdjson::dom::element root;
    if (auto error =
            parsers[worker].parse(record.json.data(), record.json.size(), false).get(root)) {
      return JsonRefusal("not valid JSON", record.json, error);
    }
    std::string reason = signals->Read(root, facts[worker], nullptr);
    if (!reason.empty()) return reason;
    if (facts[worker].trace_id.size() > TriageQueue::kMaxTraceIdBytes) {
      return std::string("trace_id longer than 65,535 bytes");
    }
    ARBITER_RETURN_IF_ERROR(queue.shard(worker).Add(facts[worker], record.input, record.ordinal,
                                                    ContentHash(record.json)));
    return std::string();
  };
  // The inputs' SHA-256 is not reported, and would cost as much CPU as the parse.
  SourceOptions source_options;
  source_options.hash_input = false;
  source_options.otlp = options.otlp;
  ARBITER_RETURN_IF_ERROR(
      ScanRecords(inputs, source_options, workers, diagnostics, summary.skipped, callbacks));
  for (auto& spool : spools) {
    if (spool) ARBITER_RETURN_IF_ERROR(spool->Close());
  }
  parsers.clear();  // their buffers fit the largest trace: give them back before ranking
  summary.traces = queue.size();

  ARBITER_ASSIGN_OR_RETURN(TriageRanking ranking, queue.Finish());
  summary.fired = ranking.fired;
  summary.fired_queued = ranking.fired_queued;

  // Second read: only the queued records are parsed.
  std::vector<std::vector<std::pair<uint64_t, size_t>>> wanted(inputs.size());
  for (size_t rank = 0; rank < ranking.queued.size(); ++rank) {
    wanted[ranking.queued[rank].input].emplace_back(ranking.queued[rank].ordinal, rank);
  }
  Renderer renderer(*signals, redactor, summary.redactions);
  std::vector<std::string> lines(ranking.queued.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (wanted[i].empty()) continue;
    std::sort(wanted[i].begin(), wanted[i].end());
    bool spooled = spools[i] != nullptr;
    ARBITER_RETURN_IF_ERROR(FetchQueued(spooled ? spools[i]->path() : inputs[i], spooled,
                                        options.otlp, wanted[i], ranking.queued, renderer, lines));
  }
  for (const std::string& line : lines) ARBITER_RETURN_IF_ERROR(out.Append(line));
  summary.queued = lines.size();
  return summary;
}

}  // namespace arbiter
