#include "runner/trace/trace_validator.h"

#include <iterator>
#include <string>

#include "runner/base/json_util.h"

namespace arbiter {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

const char* KindName(element_type type) {
  switch (type) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

enum class Kind { kString, kNumber, kObject, kArray };

bool HasKind(element value, Kind kind) {
  switch (kind) {
    case Kind::kString:
      return value.is_string();
    // 64-bit integers may arrive as strings holding the number.
    case Kind::kNumber:
      return ElementNumber(value).has_value();
    case Kind::kObject:
      return value.is_object();
    case Kind::kArray:
      return value.is_array();
  }
  return false;
}

const char* KindWanted(Kind kind) {
  switch (kind) {
    case Kind::kString:
      return "a string";
    case Kind::kNumber:
      return "a number";
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
  }
  return "";
}

Status WrongType(const std::string& field, Kind kind, element value) {
  return Status::Corruption("field '" + field + "' must be " + KindWanted(kind) + ", got " +
                            KindName(value.type()));
}

struct FieldRule {
  const char* name;
  Kind kind;
};

// The documented top-level fields and their types.
constexpr FieldRule kTopLevel[] = {
    {"session_id", Kind::kString},
    {"user_id", Kind::kString},
    {"timestamp", Kind::kString},
    {"input", Kind::kString},
    {"output", Kind::kString},
    {"messages", Kind::kArray},
    {"retrieved_documents", Kind::kArray},
    {"tool_calls", Kind::kArray},
    {"model", Kind::kString},
    {"prompt_version", Kind::kString},
    {"usage", Kind::kObject},
    {"latency_ms", Kind::kNumber},
    {"status", Kind::kString},
    {"span_errors", Kind::kObject},
    {"feedback", Kind::kObject},
    {"metadata", Kind::kObject},
};

// Checks each element of the array `field` is an object whose listed members have their kinds.
Status CheckArrayOfObjects(element array, const char* field,
                           std::initializer_list<FieldRule> members) {
  size_t index = 0;
  simdjson::dom::array items = array.get_array().value_unsafe();
  // The element's name is built only on the error path: this runs for every trace.
  auto where = [&] { return std::string(field) + "[" + std::to_string(index) + "]"; };
  for (element item : items) {
    if (!item.is_object()) {
      return Status::Corruption("field '" + where() + "' must be an object, got " +
                                KindName(item.type()));
    }
    for (const FieldRule& member : members) {
      element value;
      if (item[member.name].get(value) || value.is_null()) continue;
      if (!HasKind(value, member.kind)) {
        return WrongType(where() + "." + member.name, member.kind, value);
      }
    }
    ++index;
  }
  return Status::OK();
}

Status CheckUsage(element usage) {
  for (const char* name : {"input_tokens", "output_tokens", "context_window"}) {
    element count;
    if (usage[name].get(count) || count.is_null()) continue;
    if (!HasKind(count, Kind::kNumber)) {
      return WrongType(std::string("usage.") + name, Kind::kNumber, count);
    }
  }
  return Status::OK();
}

// Checks one top-level field against its documented type and, for the arrays and objects with
// a documented shape, their members. Unknown fields are kept as they are.
Status CheckField(std::string_view key, element value) {
  if (value.is_null()) return Status::OK();
  for (const FieldRule& rule : kTopLevel) {
    if (key != rule.name) continue;
    if (!HasKind(value, rule.kind)) return WrongType(rule.name, rule.kind, value);
    if (key == "messages") return CheckArrayOfObjects(value, "messages", {{"role", Kind::kString}});
    if (key == "tool_calls") {
      return CheckArrayOfObjects(value, "tool_calls", {{"name", Kind::kString}});
    }
    if (key == "retrieved_documents") {
      return CheckArrayOfObjects(value, "retrieved_documents", {});
    }
    if (key == "usage") return CheckUsage(value);
    return Status::OK();
  }
  return Status::OK();
}

}  // namespace

Status KnownFieldTracker::Add(std::string_view key) {
  static_assert(std::size(kTopLevel) < 32, "one bit per known field, trace_id as bit 31");
  uint32_t bit = 0;
  if (key == "trace_id") {
    bit = 1u << 31;
  } else {
    for (size_t i = 0; i < std::size(kTopLevel) && bit == 0; ++i) {
      if (key == kTopLevel[i].name) bit = 1u << i;
    }
  }
  if (bit == 0) return Status::OK();  // unknown fields are kept as they are, repeats included
  if (seen_ & bit) {
    return Status::Corruption("field '" + std::string(key) + "' appears more than once");
  }
  seen_ |= bit;
  return Status::OK();
}

Status ValidateTrace(element root, std::string_view& trace_id, std::optional<element>* sample) {
  if (!root.is_object()) {
    return Status::Corruption(std::string("a trace must be a JSON object, got ") +
                              KindName(root.type()));
  }
  element id;
  if (root["trace_id"].get(id)) return Status::Corruption("missing required field 'trace_id'");
  if (id.get_string().get(trace_id)) return WrongType("trace_id", Kind::kString, id);
  if (trace_id.empty()) return Status::Corruption("field 'trace_id' is empty");

  // One pass over the trace's fields rather than a lookup per documented field.
  simdjson::dom::object fields;
  if (root.get_object().get(fields)) return Status::Corruption("a trace must be a JSON object");
  KnownFieldTracker known;
  for (auto [key, value] : fields) {
    ARBITER_RETURN_IF_ERROR(known.Add(key));
    if (sample && key == "_sample") *sample = value;
    ARBITER_RETURN_IF_ERROR(CheckField(key, value));
  }
  return Status::OK();
}

}  // namespace arbiter
