#include "runner/source/otlp/query_results.h"

#include <string_view>
#include <utility>

#include "runner/source/otlp/conventions.h"

namespace arbiter {

bool DocumentFromQueryResultEvent(const OtlpEvent& event, OrderedJson& document) {
  if (event.name != "db.query.result") return false;
  static constexpr std::pair<std::string_view, const char*> kFields[] = {
      {"db.query.result.id", "id"},
      {"db.query.result.document", "content"},
      {"db.query.result.score", "score"},
      {"db.query.result.distance", "distance"},
      {"db.query.result.metadata", "metadata"}};
  document = OrderedJson::object();
  for (const auto& [key, field] : kFields) {
    const OrderedJson* value = FindAttribute(event.attributes, key);
    if (!value || value->is_null()) continue;
    OrderedJson& slot = document[field] = *value;
    if (std::string_view(field) == "metadata" && value->is_string()) {
      auto parsed = ParseJsonText(value->get_ref<const std::string&>());
      if (parsed && parsed->is_object()) slot = std::move(*parsed);
    }
  }
  return true;
}

}  // namespace arbiter
