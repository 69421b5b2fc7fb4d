#include "runner/source/otlp/writer.h"

#include <cstdint>

#include "runner/base/json_util.h"

namespace arbiter {
namespace {

void AppendKeyValues(std::string& out, const OtlpAttributes& attributes) {
  out += '[';
  bool first = true;
  for (const OtlpAttribute& attribute : attributes) {
    if (!first) out += ',';
    first = false;
    out += "{\"key\":";
    AppendJsonString(out, attribute.key);
    out += ",\"value\":";
    AppendAnyValue(out, attribute.value);
    out += '}';
  }
  out += ']';
}

void AppendNanos(std::string& out, std::string_view field, uint64_t nanos) {
  out += ",\"";
  out += field;
  out += "\":\"";
  out += std::to_string(nanos);
  out += '"';
}

void AppendSpan(std::string& out, const OtlpSpan& span) {
  out += "{\"traceId\":\"" + span.trace_id + "\",\"spanId\":\"" + span.span_id + '"';
  if (!span.parent_span_id.empty()) out += ",\"parentSpanId\":\"" + span.parent_span_id + '"';
  out += ",\"name\":";
  AppendJsonString(out, span.name);
  out += ",\"kind\":1";
  AppendNanos(out, "startTimeUnixNano", span.start_unix_nano);
  AppendNanos(out, "endTimeUnixNano", span.end_unix_nano);
  if (!span.attributes.empty()) {
    out += ",\"attributes\":";
    AppendKeyValues(out, span.attributes);
  }
  if (!span.events.empty()) {
    out += ",\"events\":[";
    for (size_t i = 0; i < span.events.size(); ++i) {
      if (i) out += ',';
      out += "{\"name\":";
      AppendJsonString(out, span.events[i].name);
      AppendNanos(out, "timeUnixNano", span.events[i].time_unix_nano);
      out += ",\"attributes\":";
      AppendKeyValues(out, span.events[i].attributes);
      out += '}';
    }
    out += ']';
  }
  out += ",\"status\":{";
  if (span.status != OtlpStatusCode::kUnset) {
    out += "\"code\":" + std::to_string(static_cast<int>(span.status));
    if (!span.status_message.empty()) {
      out += ",\"message\":";
      AppendJsonString(out, span.status_message);
    }
  }
  out += "}}";
}

}  // namespace

void AppendAnyValue(std::string& out, const OrderedJson& value) {
  switch (value.type()) {
    case OrderedJson::value_t::string:
      out += "{\"stringValue\":";
      AppendJsonString(out, value.get_ref<const std::string&>());
      out += '}';
      return;
    case OrderedJson::value_t::boolean:
      out += value.get<bool>() ? "{\"boolValue\":true}" : "{\"boolValue\":false}";
      return;
    case OrderedJson::value_t::number_integer:
      out += "{\"intValue\":\"" + std::to_string(value.get<int64_t>()) + "\"}";
      return;
    case OrderedJson::value_t::number_unsigned: {
      uint64_t number = value.get<uint64_t>();
      if (number <= static_cast<uint64_t>(INT64_MAX)) {
        out += "{\"intValue\":\"" + std::to_string(number) + "\"}";
      } else {
        out += "{\"doubleValue\":";
        AppendJsonNumber(out, static_cast<double>(number));
        out += '}';
      }
      return;
    }
    case OrderedJson::value_t::number_float:
      out += "{\"doubleValue\":";
      AppendJsonNumber(out, value.get<double>());
      out += '}';
      return;
    case OrderedJson::value_t::array: {
      out += "{\"arrayValue\":{\"values\":[";
      bool first = true;
      for (const OrderedJson& item : value) {
        if (!first) out += ',';
        first = false;
        AppendAnyValue(out, item);
      }
      out += "]}}";
      return;
    }
    case OrderedJson::value_t::object: {
      out += "{\"kvlistValue\":{\"values\":[";
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ',';
        first = false;
        out += "{\"key\":";
        AppendJsonString(out, it.key());
        out += ",\"value\":";
        AppendAnyValue(out, it.value());
        out += '}';
      }
      out += "]}}";
      return;
    }
    default:
      out += "{}";
      return;
  }
}

std::string OtlpRequestJson(const std::vector<const OtlpSpan*>& spans,
                            std::string_view scope_name) {
  std::string out = "{\"resourceSpans\":[";
  size_t i = 0;
  while (i < spans.size()) {
    if (i) out += ',';
    const OtlpAttributes* resource = spans[i]->resource.get();
    out += "{\"resource\":{\"attributes\":";
    AppendKeyValues(out, resource ? *resource : OtlpAttributes());
    out += "},\"scopeSpans\":[{\"scope\":{\"name\":";
    AppendJsonString(out, scope_name);
    out += "},\"spans\":[";
    size_t start = i;
    for (; i < spans.size() && spans[i]->resource.get() == resource; ++i) {
      if (i > start) out += ',';
      AppendSpan(out, *spans[i]);
    }
    out += "]}]}";
  }
  out += "]}";
  return out;
}

}  // namespace arbiter
