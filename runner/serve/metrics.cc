#include "runner/serve/metrics.h"

namespace arbiter {
namespace {

void Add(std::string& out, const char* name, const char* type, const char* help,
         const std::string& samples) {
  out +=
      std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + samples;
}

std::string One(const char* name, uint64_t value) {
  return std::string(name) + " " + std::to_string(value) + "\n";
}

}  // namespace

std::string ServeMetrics::Text() const {
  std::string out;
  Add(out, "arbiter_serve_requests_total", "counter",
      "OTLP export requests by outcome (ok includes partial success).",
      "arbiter_serve_requests_total{outcome=\"ok\"} " +
          std::to_string(requests.load() - requests_malformed - requests_too_large -
                         requests_unsupported - requests_full - requests_disk - requests_stopping) +
          "\n" + "arbiter_serve_requests_total{outcome=\"malformed\"} " +
          std::to_string(requests_malformed.load()) + "\n" +
          "arbiter_serve_requests_total{outcome=\"too_large\"} " +
          std::to_string(requests_too_large.load()) + "\n" +
          "arbiter_serve_requests_total{outcome=\"unsupported_media_type\"} " +
          std::to_string(requests_unsupported.load()) + "\n" +
          "arbiter_serve_requests_total{outcome=\"full\"} " + std::to_string(requests_full.load()) +
          "\n" + "arbiter_serve_requests_total{outcome=\"journal_error\"} " +
          std::to_string(requests_disk.load()) + "\n" +
          "arbiter_serve_requests_total{outcome=\"stopping\"} " +
          std::to_string(requests_stopping.load()) + "\n");
  Add(out, "arbiter_serve_spans_received_total", "counter",
      "Spans accepted and journaled before the reply.",
      One("arbiter_serve_spans_received_total", spans_received));
  Add(out, "arbiter_serve_spans_rejected_total", "counter",
      "Spans rejected in partial_success, by reason (late: after their trace's late window).",
      "arbiter_serve_spans_rejected_total{reason=\"invalid\"} " +
          std::to_string(spans_invalid.load()) + "\n" +
          "arbiter_serve_spans_rejected_total{reason=\"late\"} " +
          std::to_string(spans_late.load()) + "\n");
  Add(out, "arbiter_serve_spans_amending_total", "counter",
      "Accepted spans of traces already complete (within the late window), by what became of "
      "them (lost: their window was already written; never expected).",
      "arbiter_serve_spans_amending_total{outcome=\"amended\"} " +
          std::to_string(spans_amending.load() - spans_amending_lost.load()) + "\n" +
          "arbiter_serve_spans_amending_total{outcome=\"lost\"} " +
          std::to_string(spans_amending_lost.load()) + "\n");
  Add(out, "arbiter_serve_spans_replayed_total", "counter",
      "Spans read back from the journal at start.",
      One("arbiter_serve_spans_replayed_total", replayed_spans));
  Add(out, "arbiter_serve_traces_assembled_total", "counter", "Traces completed and spooled.",
      One("arbiter_serve_traces_assembled_total", traces_assembled));
  Add(out, "arbiter_serve_traces_amended_total", "counter",
      "Traces written with the spans that amended them after they completed.",
      One("arbiter_serve_traces_amended_total", traces_amended));
  Add(out, "arbiter_serve_traces_dropped_total", "counter",
      "Traces dropped, by reason (unmappable: the mapping failed).",
      "arbiter_serve_traces_dropped_total{reason=\"unmappable\"} " +
          std::to_string(traces_unmappable.load()) + "\n");
  Add(out, "arbiter_serve_traces_sampled_total", "counter", "Traces written to window samples.",
      One("arbiter_serve_traces_sampled_total", traces_sampled));
  Add(out, "arbiter_serve_traces_queued_total", "counter",
      "Traces written to window triage queues.",
      One("arbiter_serve_traces_queued_total", traces_queued));
  Add(out, "arbiter_serve_windows_closed_total", "counter", "Windows written out.",
      One("arbiter_serve_windows_closed_total", windows_closed));
  Add(out, "arbiter_serve_inflight_traces", "gauge", "Traces being assembled (the queue depth).",
      One("arbiter_serve_inflight_traces", inflight_traces));
  Add(out, "arbiter_serve_journal_bytes", "gauge", "Bytes in the journal's segments.",
      One("arbiter_serve_journal_bytes", journal_bytes));
  Add(out, "arbiter_serve_traces_carried_total", "counter",
      "Traces a judge budget carried to the next window (again at each window carrying them).",
      One("arbiter_serve_traces_carried_total", traces_carried));
  Add(out, "arbiter_serve_scoring_backlog", "gauge",
      "Traces the last scored window carried to the next (--judge-budget).",
      One("arbiter_serve_scoring_backlog", scoring_backlog));
  return out;
}

}  // namespace arbiter
