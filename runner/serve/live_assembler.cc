#include "runner/serve/live_assembler.h"

#include "runner/base/hash.h"

namespace arbiter {

LiveAssembler::Verdict LiveAssembler::Accepts(const std::string& trace_id, uint64_t recv_ms,
                                              std::vector<Trace>& out, Emitted* amended) {
  Forget(recv_ms);
  auto it = open_.find(trace_id);
  if (it != open_.end()) {
    if (it->second.complete_ms > recv_ms) return Verdict::kAssemble;
    Emit(it, it->second.complete_ms, out);
  }
  auto found = emitted_.find(Hash64(trace_id));
  if (found == emitted_.end()) return Verdict::kAssemble;
  *amended = found->second;
  return Verdict::kAmend;
}

LiveAssembler::Arrival LiveAssembler::Classify(const std::string& trace_id, uint64_t recv_ms) {
  Forget(recv_ms);
  if (open_.count(trace_id) > 0) return Arrival::kKnown;
  // A forgotten id that a new trace reuses (open or remembered) is that trace's.
  uint64_t key = Hash64(trace_id);
  if (emitted_.count(key) > 0) return Arrival::kKnown;
  return forgotten_.count(key) > 0 ? Arrival::kLate : Arrival::kNew;
}

void LiveAssembler::Add(OtlpSpan&& span, uint64_t recv_ms) {
  auto [it, inserted] = open_.try_emplace(span.trace_id);
  Open& trace = it->second;
  if (inserted) {
    trace.seq = next_seq_++;
    trace.first_recv_ms = recv_ms;
    by_seq_[trace.seq] = span.trace_id;
  } else {
    due_.erase({trace.complete_ms, trace.seq});
  }
  if (span.parent_span_id.empty()) trace.has_root = true;
  trace.complete_ms = recv_ms + (trace.has_root ? options_.quiet_ms : options_.rootless_ms);
  due_.insert({trace.complete_ms, trace.seq});
  trace.spans.push_back(std::move(span));
}

void LiveAssembler::Sweep(uint64_t now_ms, std::vector<Trace>& out) {
  while (!due_.empty() && due_.begin()->first <= now_ms) {
    auto [complete_ms, seq] = *due_.begin();
    Emit(open_.find(by_seq_[seq]), complete_ms, out);
  }
  Forget(now_ms);
}

void LiveAssembler::Flush(uint64_t now_ms, std::vector<Trace>& out) {
  while (!due_.empty()) {
    uint64_t seq = due_.begin()->second;
    Emit(open_.find(by_seq_[seq]), now_ms, out);
  }
}

std::vector<std::string> LiveAssembler::OpenIds() const {
  std::vector<std::string> ids;
  ids.reserve(open_.size());
  for (const auto& [id, trace] : open_) ids.push_back(id);
  return ids;
}

void LiveAssembler::Emit(std::unordered_map<std::string, Open>::iterator it, uint64_t complete_ms,
                         std::vector<Trace>& out) {
  Open& trace = it->second;
  due_.erase({trace.complete_ms, trace.seq});
  by_seq_.erase(trace.seq);
  uint64_t key = Hash64(it->first);
  emitted_[key] =
      Emitted{complete_ms, trace.first_recv_ms, static_cast<uint32_t>(trace.spans.size())};
  out.push_back(Trace{it->first, std::move(trace.spans), complete_ms});
  emitted_order_.emplace_back(complete_ms, key);
  open_.erase(it);
}

void LiveAssembler::Forget(uint64_t now_ms) {
  while (!emitted_order_.empty() && emitted_order_.front().first + options_.late_ms < now_ms) {
    auto found = emitted_.find(emitted_order_.front().second);
    // Flush() may emit out of completion order; only forget the entry this one recorded.
    if (found != emitted_.end() && found->second.complete_ms == emitted_order_.front().first) {
      emitted_.erase(found);
      Remember(emitted_order_.front().second);
    }
    emitted_order_.pop_front();
  }
}

void LiveAssembler::Remember(uint64_t key) {
  if (options_.late_ids == 0) return;
  forgotten_.insert(key);
  forgotten_order_.push_back(key);
  while (forgotten_order_.size() > options_.late_ids) {
    forgotten_.erase(forgotten_order_.front());
    forgotten_order_.pop_front();
  }
}

}  // namespace arbiter
