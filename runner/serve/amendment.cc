#include "runner/serve/amendment.h"

#include <deque>
#include <fstream>
#include <map>

#include "runner/base/atomic_file.h"
#include "runner/source/otlp/mapping.h"

namespace arbiter {

void CollectAmendedSpans(const std::vector<OtlpSpan>& spans, uint64_t recv_ms,
                         Amendments& amendments) {
  for (const OtlpSpan& span : spans) {
    // The trace of this id whose spans arrived from its first one to its latest amendment: a
    // trace reusing the id starts after the earlier one was forgotten, so the spans never overlap.
    auto it = amendments.upper_bound({span.trace_id, recv_ms});
    if (it == amendments.begin()) continue;
    --it;
    if (it->first.first != span.trace_id || recv_ms > it->second.last_recv_ms) continue;
    it->second.spans.push_back(span);
  }
}

Result<AmendCounts> AmendSpool(const std::filesystem::path& spool,
                               const std::filesystem::path& amended_spool, Amendments& amendments,
                               const OtlpMappingOptions& otlp) {
  AmendCounts counts;
  // Each amended trace's new line ("" when it no longer maps), in the amendments' order, and the
  // line it was spooled with. A trace whose line is not found (its first mapping failed) gets its
  // new line appended, in that order.
  struct Rewrite {
    std::string line;
    bool done = false;
  };
  std::vector<Rewrite> rewrites;
  std::map<std::string, std::deque<size_t>> by_old_line;
  for (auto& [key, trace] : amendments) {
    if (trace.spans.size() < trace.spans_at_completion) {
      return Status::Corruption("the journal lacks spans of trace " + key.first +
                                ", amended in this window");
    }
    std::vector<OtlpSpan> first(trace.spans.begin(),
                                trace.spans.begin() + trace.spans_at_completion);
    Result<std::string> before = TryMapOtlpTraceJson(first, otlp);
    Result<std::string> after = TryMapOtlpTraceJson(trace.spans, otlp);
    // One whose first mapping failed was counted as unmappable when it was spooled.
    if (before.ok() && !after.ok()) ++counts.unmappable;
    if (before.ok()) by_old_line[std::move(*before)].push_back(rewrites.size());
    rewrites.push_back(Rewrite{after.ok() ? std::move(*after) : std::string()});
  }

  std::ifstream in(spool, std::ios::binary);
  if (!in) return Status::IoError(spool.string() + ": cannot read the spool");
  ARBITER_ASSIGN_OR_RETURN(auto out, AtomicFile::Create(amended_spool));
  auto write_line = [&](const std::string& text) -> Status {
    if (text.empty()) return Status::OK();
    ARBITER_RETURN_IF_ERROR(out->Append(text));
    return out->Append("\n");
  };
  for (std::string line; std::getline(in, line);) {
    auto found = by_old_line.find(line);
    if (found == by_old_line.end() || found->second.empty()) {
      ARBITER_RETURN_IF_ERROR(write_line(line));
      continue;
    }
    Rewrite& rewrite = rewrites[found->second.front()];
    found->second.pop_front();
    rewrite.done = true;
    ARBITER_RETURN_IF_ERROR(write_line(rewrite.line));
    if (!rewrite.line.empty()) ++counts.amended;
  }
  if (in.bad()) return Status::IoError(spool.string() + ": cannot read the spool");
  for (Rewrite& rewrite : rewrites) {
    if (rewrite.done || rewrite.line.empty()) continue;
    ARBITER_RETURN_IF_ERROR(write_line(rewrite.line));
    ++counts.amended;
  }
  ARBITER_RETURN_IF_ERROR(out->Commit());
  return counts;
}

}  // namespace arbiter
