// A trace as evaluators see it: the parsed JSON document (simdjson DOM, owned by the worker's parser)
// plus its canonical JSON text. Cheap to copy; valid only while the worker's parser holds the document.
#pragma once

#include <cstdint>
#include <string_view>

#include <simdjson.h>

namespace arbiter {

class Trace {
 public:
  Trace(simdjson::dom::element root, std::string_view json, std::string_view trace_id)
      : root_(root), json_(json), trace_id_(trace_id) {}

  // The trace object (fields of SPEC "Trace format", unknown fields kept).
  simdjson::dom::element root() const { return root_; }
  // The trace as one line of JSON: the input line for JSONL, the assembled trace for OTLP.
  std::string_view json() const { return json_; }
  std::string_view trace_id() const { return trace_id_; }

 private:
  simdjson::dom::element root_;
  std::string_view json_;
  std::string_view trace_id_;
};

}  // namespace arbiter
