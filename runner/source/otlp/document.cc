#include "runner/source/otlp/document.h"

#include "runner/source/otlp/any_value.h"

namespace arbiter {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// Problems of one span are prefixed with its place so a user can find it in a large request.
class SpanReader {
 public:
  SpanReader(std::string place, std::vector<std::string>& problems)
      : place_(std::move(place)), problems_(problems) {}

  void Problem(const std::string& reason) { problems_.push_back(place_ + ": " + reason); }

  // An id field; false (with a problem) when it is missing or malformed and the span must go.
  bool Id(object span, std::string_view field, size_t bytes, bool optional, std::string& hex) {
    element value;
    if (span[field].get(value)) {
      if (optional) return true;
      Problem("no " + std::string(field));
      return false;
    }
    std::string_view text;
    if (value.get_string().get(text)) {
      Problem(std::string(field) + " is not a string");
      return false;
    }
    if (optional && text.empty()) return true;
    if (!ParseOtlpId(text, bytes, hex)) {
      Problem(std::string(field) + " \"" + std::string(text.substr(0, 64)) + "\" is not " +
              std::to_string(bytes) + " bytes of hex");
      return false;
    }
    if (IsZeroId(hex)) {
      if (optional) {
        hex.clear();  // an all-zero parent means "no parent"
        return true;
      }
      Problem(std::string(field) + " is all zeros");
      return false;
    }
    return true;
  }

  void Time(object holder, std::string_view field, uint64_t& nanos) {
    element value;
    if (holder[field].get(value)) return;
    if (!ParseUnixNano(value, nanos)) {
      Problem(std::string(field) + " is not a non-negative integer or decimal string");
    }
  }

  void Attributes(object holder, std::string_view field, OtlpAttributes& out) {
    element list;
    if (holder[field].get(list)) return;
    std::vector<std::string> found;
    DecodeKeyValues(list, field, out, found);
    for (const std::string& problem : found) Problem(problem);
  }

  void Status(object span, OtlpSpan& out) {
    element value;
    if (span["status"].get(value)) return;
    object status;
    if (value.get_object().get(status)) {
      Problem("status is not an object");
      return;
    }
    element code;
    if (!status["code"].get(code)) {
      int64_t number = -1;
      std::string_view name;
      if (!code.get_int64().get(number)) {
      } else if (!code.get_string().get(name)) {
        if (name == "STATUS_CODE_UNSET") number = 0;
        if (name == "STATUS_CODE_OK") number = 1;
        if (name == "STATUS_CODE_ERROR") number = 2;
      }
      if (number < 0 || number > 2) {
        Problem("status.code is not 0, 1, 2 or a STATUS_CODE_* name");
      } else {
        out.status = static_cast<OtlpStatusCode>(number);
      }
    }
    std::string_view message;
    if (!status["message"].get_string().get(message)) out.status_message = std::string(message);
  }

  void Events(object span, std::vector<OtlpEvent>& out) {
    element value;
    if (span["events"].get(value)) return;
    simdjson::dom::array events;
    if (value.get_array().get(events)) {
      Problem("\"events\" is not an array");
      return;
    }
    for (element item : events) {
      object event;
      if (item.get_object().get(event)) {
        Problem("an event is not an object");
        continue;
      }
      OtlpEvent decoded;
      std::string_view name;
      if (!event["name"].get_string().get(name)) decoded.name = std::string(name);
      Time(event, "timeUnixNano", decoded.time_unix_nano);
      Attributes(event, "attributes", decoded.attributes);
      out.push_back(std::move(decoded));
    }
  }

 private:
  std::string place_;
  std::vector<std::string>& problems_;
};

void ReadSpan(element item, const std::string& place,
              const std::shared_ptr<const OtlpAttributes>& resource, std::vector<OtlpSpan>& spans,
              std::vector<std::string>& problems) {
  object span;
  if (item.get_object().get(span)) {
    problems.push_back(place + ": not an object");
    return;
  }
  std::string_view name;
  bool named = !span["name"].get_string().get(name);
  SpanReader reader(named ? place + " (\"" + std::string(name.substr(0, 64)) + "\")" : place,
                    problems);
  OtlpSpan out;
  if (!reader.Id(span, "traceId", 16, false, out.trace_id) ||
      !reader.Id(span, "spanId", 8, false, out.span_id) ||
      !reader.Id(span, "parentSpanId", 8, true, out.parent_span_id)) {
    return;
  }
  if (named) out.name = std::string(name);
  reader.Time(span, "startTimeUnixNano", out.start_unix_nano);
  reader.Time(span, "endTimeUnixNano", out.end_unix_nano);
  reader.Attributes(span, "attributes", out.attributes);
  reader.Events(span, out.events);
  reader.Status(span, out);
  out.resource = resource;
  spans.push_back(std::move(out));
}

// One scopeSpans entry: {"scope": ..., "spans": [...]}.
void ReadScope(element item, const std::string& place,
               const std::shared_ptr<const OtlpAttributes>& resource, std::vector<OtlpSpan>& spans,
               std::vector<std::string>& problems) {
  object scope;
  if (item.get_object().get(scope)) {
    problems.push_back(place + ": not an object");
    return;
  }
  element list;
  if (scope["spans"].get(list)) return;  // a scope with no spans
  simdjson::dom::array items;
  if (list.get_array().get(items)) {
    problems.push_back(place + ": \"spans\" is not an array");
    return;
  }
  size_t index = 0;
  for (element span : items) {
    ReadSpan(span, place + ".spans[" + std::to_string(index++) + "]", resource, spans, problems);
  }
}

}  // namespace

void ReadOtlpDocument(element root, std::vector<OtlpSpan>& spans,
                      std::vector<std::string>& problems) {
  object document;
  if (root.get_object().get(document)) {
    problems.push_back("not an OTLP trace document: not a JSON object");
    return;
  }
  element list;
  if (document["resourceSpans"].get(list)) {
    problems.push_back("not an OTLP trace document: no \"resourceSpans\"");
    return;
  }
  simdjson::dom::array resources;
  if (list.get_array().get(resources)) {
    problems.push_back("\"resourceSpans\" is not an array");
    return;
  }
  size_t r = 0;
  for (element item : resources) {
    std::string place = "resourceSpans[" + std::to_string(r++) + "]";
    object resource_spans;
    if (item.get_object().get(resource_spans)) {
      problems.push_back(place + ": not an object");
      continue;
    }
    auto resource = std::make_shared<OtlpAttributes>();
    element resource_value;
    if (!resource_spans["resource"].get(resource_value)) {
      object resource_object;
      element attributes;
      if (resource_value.get_object().get(resource_object)) {
        problems.push_back(place + ": \"resource\" is not an object");
      } else if (!resource_object["attributes"].get(attributes)) {
        std::vector<std::string> found;
        DecodeKeyValues(attributes, "resource.attributes", *resource, found);
        for (const std::string& problem : found) problems.push_back(place + ": " + problem);
      }
    }
    // Protocol versions before 0.19 named the scope level instrumentationLibrarySpans.
    for (std::string_view field : {"scopeSpans", "instrumentationLibrarySpans"}) {
      element scopes_value;
      if (resource_spans[field].get(scopes_value)) continue;
      simdjson::dom::array scopes;
      if (scopes_value.get_array().get(scopes)) {
        problems.push_back(place + ": \"" + std::string(field) + "\" is not an array");
        continue;
      }
      size_t s = 0;
      for (element scope : scopes) {
        ReadScope(scope, place + "." + std::string(field) + "[" + std::to_string(s++) + "]",
                  resource, spans, problems);
      }
    }
  }
}

}  // namespace arbiter
