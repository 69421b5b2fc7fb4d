// The `_sample` mark that `arbiter sample` adds to each trace it keeps (SPEC "Sampling policy"):
// {"stratum": "billing", "failure": true, "weight": 12.5}, and optionally "focus": "NAME" for a
// focus cluster. Read by the trace scorer so the scorecard can weight the trace back to the
// population (runner/stats/population_estimate.h).
#pragma once

#include <cstdint>
#include <string>

#include <simdjson.h>

namespace arbiter {

struct SampleMark {
  enum class State : uint8_t {
    kAbsent,     // no `_sample`: the trace stands for itself (weight 1)
    kValid,      // `weight` and `cell` are set
    kMalformed,  // `error` says what is wrong; the trace is scored but has no known weight
  };
  State state = State::kAbsent;
  double weight = 0;  // >= 1: the population traces this one stands for
  std::string cell;   // the cell key, (stratum, failure, focus) encoded without ambiguity
  std::string error;
};

// Reads the value of a trace's `_sample` field. `stratum` must be a string, `failure` a
// boolean, `weight` a number >= 1, `focus` (optional) a string; anything else is kMalformed.
SampleMark ReadSampleMark(simdjson::dom::element sample);

// The cell key of (stratum, failure, focus): the stratum's length and text, then the failure
// flag, so no two cells share a key whatever their text; a focus rule's traces are one cell
// ("focus:NAME", which no stratum key starts with), as `sample` draws them from one reservoir
// across strata. An empty focus is no focus. Never empty.
std::string SampleCellKey(std::string_view stratum, bool failure, std::string_view focus);

}  // namespace arbiter
