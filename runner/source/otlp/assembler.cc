#include "runner/source/otlp/assembler.h"

#include <algorithm>

namespace arbiter {

OtlpAssembler::Key OtlpAssembler::KeyOf(const std::string& hex) {
  // REQUIRES: 32 lowercase hex digits (otlp_document.cc checks traceId).
  Key key;
  for (size_t i = 0; i < 32 && i < hex.size(); ++i) {
    char c = hex[i];
    uint64_t digit =
        c <= '9' ? static_cast<uint64_t>(c - '0') : static_cast<uint64_t>(c - 'a' + 10);
    uint64_t& half = i < 16 ? key.high : key.low;
    half = (half << 4) | digit;
  }
  return key;
}

bool OtlpAssembler::Add(OtlpSpan&& span, uint64_t line, std::vector<Trace>& out) {
  Key key = KeyOf(span.trace_id);
  if (emitted_.count(key)) return false;
  auto it = open_.find(key);
  if (it == open_.end()) {
    if (open_.size() >= options_.max_open_traces && !open_.empty()) EvictOldest(out);
    it = open_.emplace(key, Open{}).first;
    it->second.seq = next_seq_++;
    it->second.line = line;
    it->second.position = rootless_.insert(rootless_.end(), key);
    max_open_seen_ = std::max(max_open_seen_, open_.size());
  }
  Open& trace = it->second;
  bool was_rooted = trace.has_root;
  trace.has_root = trace.has_root || span.parent_span_id.empty();
  // Move to the back of its list (the most recently updated).
  std::list<Key>& from = was_rooted ? rooted_ : rootless_;
  std::list<Key>& to = trace.has_root ? rooted_ : rootless_;
  to.splice(to.end(), from, trace.position);
  trace.last_document = document_;
  trace.spans.push_back(std::move(span));
  return true;
}

void OtlpAssembler::EndDocument(std::vector<Trace>& out) {
  std::vector<std::pair<uint64_t, Key>> done;  // (first-seen order, key)
  auto collect = [&](std::list<Key>& list, size_t window) {
    for (const Key& key : list) {
      const Open& trace = open_.at(key);
      if (document_ - trace.last_document < window) break;  // the rest are more recent
      done.emplace_back(trace.seq, key);
    }
  };
  collect(rooted_, options_.window);
  collect(rootless_, options_.rootless_window);
  std::sort(done.begin(), done.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [seq, key] : done) Emit(key, out);
  ++document_;
}

void OtlpAssembler::Finish(std::vector<Trace>& out) {
  std::vector<std::pair<uint64_t, Key>> all;
  all.reserve(open_.size());
  for (const auto& [key, trace] : open_) all.emplace_back(trace.seq, key);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [seq, key] : all) Emit(key, out);
}

void OtlpAssembler::EvictOldest(std::vector<Trace>& out) {
  const Open* rooted = rooted_.empty() ? nullptr : &open_.at(rooted_.front());
  const Open* rootless = rootless_.empty() ? nullptr : &open_.at(rootless_.front());
  bool take_rooted =
      rooted && (!rootless || rooted->last_document < rootless->last_document ||
                 (rooted->last_document == rootless->last_document && rooted->seq < rootless->seq));
  ++evicted_;
  Emit(take_rooted ? rooted_.front() : rootless_.front(), out);
}

void OtlpAssembler::Emit(Key key, std::vector<Trace>& out) {
  auto it = open_.find(key);
  Open& trace = it->second;
  (trace.has_root ? rooted_ : rootless_).erase(trace.position);
  out.push_back(Trace{std::move(trace.spans), trace.line});
  open_.erase(it);
  Remember(key);
}

void OtlpAssembler::Remember(const Key& key) {
  if (options_.emitted_memory == 0) return;
  if (emitted_order_.size() >= options_.emitted_memory) {
    emitted_.erase(emitted_order_.front());
    emitted_order_.pop_front();
  }
  emitted_.insert(key);
  emitted_order_.push_back(key);
}

}  // namespace arbiter
