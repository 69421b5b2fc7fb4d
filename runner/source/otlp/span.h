// One OTLP span as the OTLP reader keeps it between reading and assembly: ids as lowercase hex,
// times as Unix nanoseconds, attribute values decoded from OTLP AnyValue into plain JSON (see
// otlp_any_value.h). The reader's DOM is reused per document, so spans own all their data.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace arbiter {

using OrderedJson = nlohmann::ordered_json;

struct OtlpAttribute {
  std::string key;
  OrderedJson value;  // string, bool, integer, double, array, object (kvlist) or null (empty)
};
using OtlpAttributes = std::vector<OtlpAttribute>;

struct OtlpEvent {
  std::string name;
  uint64_t time_unix_nano = 0;
  OtlpAttributes attributes;
};

enum class OtlpStatusCode { kUnset = 0, kOk = 1, kError = 2 };

struct OtlpSpan {
  std::string trace_id;        // 32 lowercase hex digits
  std::string span_id;         // 16 lowercase hex digits
  std::string parent_span_id;  // empty for a root span
  std::string name;
  uint64_t start_unix_nano = 0;
  uint64_t end_unix_nano = 0;
  OtlpStatusCode status = OtlpStatusCode::kUnset;
  std::string status_message;
  OtlpAttributes attributes;
  std::vector<OtlpEvent> events;
  // The resource's attributes, shared by every span of one resourceSpans entry.
  std::shared_ptr<const OtlpAttributes> resource;
};

// The attribute's value, or nullptr when the span has no attribute `key` (the last one wins
// when a key repeats, as in the OTLP data model where keys are unique).
inline const OrderedJson* FindAttribute(const OtlpAttributes& attributes, std::string_view key) {
  for (auto it = attributes.rbegin(); it != attributes.rend(); ++it) {
    if (it->key == key) return &it->value;
  }
  return nullptr;
}

// The string at `key` of a JSON object, or "" when `object` is no object or the value no string
// (nlohmann's value() would throw on a wrong type; inputs are untrusted).
inline std::string_view StringField(const OrderedJson& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

}  // namespace arbiter
