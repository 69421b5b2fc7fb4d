#include "runner/plugin_api/json_schema/simdjson_adapter.h"

#include "runner/plugin_api/json_schema/pattern_match.h"

namespace arbiter {

nlohmann::json SimdjsonToNlohmann(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::ARRAY: {
      nlohmann::json array = nlohmann::json::array();
      simdjson::dom::array items = element.get_array().value_unsafe();  // a copy, not a view
      for (simdjson::dom::element item : items) {
        array.push_back(SimdjsonToNlohmann(item));
      }
      return array;
    }
    case simdjson::dom::element_type::OBJECT: {
      nlohmann::json object = nlohmann::json::object();
      simdjson::dom::object members = element.get_object().value_unsafe();
      for (simdjson::dom::key_value_pair member : members) {
        object[std::string(member.key)] = SimdjsonToNlohmann(member.value);
      }
      return object;
    }
    case simdjson::dom::element_type::INT64:
      return element.get_int64().value_unsafe();
    case simdjson::dom::element_type::UINT64:
      return element.get_uint64().value_unsafe();
    case simdjson::dom::element_type::DOUBLE:
      return element.get_double().value_unsafe();
    case simdjson::dom::element_type::STRING:
      return std::string(element.get_string().value_unsafe());
    case simdjson::dom::element_type::BOOL:
      return element.get_bool().value_unsafe();
    case simdjson::dom::element_type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

}  // namespace arbiter

// Mirrors valijson's own visit (validation_visitor.hpp) but for the matcher, and names the
// pattern in its message.
template <>
bool valijson::ValidationVisitor<arbiter::SimdjsonAdapter>::visit(
    const valijson::constraints::PatternConstraint& constraint) {
  std::string_view text;
  if (!m_target.StringView(text)) return true;  // `pattern` applies to strings only
  std::string pattern = constraint.getPattern<std::string::allocator_type>();
  if (arbiter::MatchesPattern(pattern, text)) return true;
  if (m_results) m_results->pushError(m_context, "Does not match pattern '" + pattern + "'.");
  return false;
}
