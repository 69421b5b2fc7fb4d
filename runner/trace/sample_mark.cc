#include "runner/trace/sample_mark.h"

namespace arbiter {
namespace {

SampleMark Malformed(std::string error) {
  SampleMark mark;
  mark.state = SampleMark::State::kMalformed;
  mark.error = "_sample: " + std::move(error);
  return mark;
}

}  // namespace

std::string SampleCellKey(std::string_view stratum, bool failure, std::string_view focus) {
  // A focus rule keeps one reservoir for its whole cluster, whatever the traces' strata: one cell.
  if (!focus.empty()) return "focus:" + std::string(focus);
  std::string key = std::to_string(stratum.size());
  key += ':';
  key += stratum;
  key += failure ? '1' : '0';
  return key;
}

SampleMark ReadSampleMark(simdjson::dom::element sample) {
  simdjson::dom::object fields;
  if (sample.get_object().get(fields)) return Malformed("must be an object");
  std::string_view stratum, focus;
  bool failure = false;
  double weight = 0;
  simdjson::dom::element value;
  if (fields["stratum"].get(value)) return Malformed("missing 'stratum'");
  if (value.get_string().get(stratum)) return Malformed("'stratum' must be a string");
  if (fields["failure"].get(value)) return Malformed("missing 'failure'");
  if (value.get_bool().get(failure)) return Malformed("'failure' must be true or false");
  if (fields["weight"].get(value)) return Malformed("missing 'weight'");
  // get_double() reads any JSON number; a string holding one is refused, as `sample` never
  // writes one.
  if (value.get_double().get(weight) || !(weight >= 1)) {
    return Malformed("'weight' must be a number >= 1, got " +
                     simdjson::minify(value).substr(0, 40));
  }
  if (!fields["focus"].get(value) && !value.is_null() && value.get_string().get(focus)) {
    return Malformed("'focus' must be a string");
  }
  SampleMark mark;
  mark.state = SampleMark::State::kValid;
  mark.weight = weight;
  mark.cell = SampleCellKey(stratum, failure, focus);
  return mark;
}

}  // namespace arbiter
