// `when:` and sampling-policy conditions: the parser on arbitrary text, and a parsed condition
// evaluated against a fixed trace.
#include <simdjson.h>

#include "runner/trace/condition.h"
#include "runner/trace/trace_path.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  const simdjson::dom::element trace = fuzz::FixedTrace();
  std::string_view text = fuzz::AsText(data, size);
  if (Result<Condition> condition = Condition::Parse(text); condition.ok()) {
    (void)condition->Matches(trace);
  }
  if (Result<TracePath> path = TracePath::Parse(text); path.ok()) (void)path->Lookup(trace);
  return 0;
}
