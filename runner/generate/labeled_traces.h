// The labeled traces of `arbiter generate`: the trace files read once, only the traces a label
// names kept (their JSON text), and what the candidate search reads from each, extracted once.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runner/base/status.h"

namespace arbiter {

struct LabeledTrace {
  std::string id;
  std::string json;  // the trace's own text, parsed again where a plugin judges it
};

// Reads `paths` (JSONL or OTLP/JSON, .gz, "-") once and keeps the first trace of each id in
// `wanted`, in input order. A record that cannot be read is reported on `diagnostics` as
// "file:line: reason; skipped" and counted in `skipped`.
Result<std::vector<LabeledTrace>> ReadLabeledTraces(const std::vector<std::string>& paths,
                                                    const std::set<std::string>& wanted,
                                                    std::FILE* diagnostics, uint64_t& skipped);

// What the search reads from one trace.
struct SearchFacts {
  // Text targets: `output`, `input` and each string under `metadata` (`metadata.KEY`).
  std::map<std::string, std::string> texts;
  bool has_intent = false;
  std::string intent;                     // metadata.intent
  std::vector<std::string> tools;         // the names of tool_calls, in order
  std::vector<std::string> document_ids;  // retrieved_documents' ids (docN by position)
  bool cites = false;                     // the output has a [bracketed] span
};

// The facts of one trace; a trace that is not a JSON object has none.
SearchFacts ReadSearchFacts(const std::string& json);

}  // namespace arbiter
