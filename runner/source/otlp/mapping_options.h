// What a suite or policy may tell the OTLP mapper (docs/TRACE_MAPPING.md "Mapping your own
// attributes"): kept apart from mapping.h so that SourceOptions can carry it without the mapper.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace arbiter {

// "a.b.c": object keys joined by dots, none empty, no array index ("tool_calls[0]"): the paths
// the mapper sets (SetJsonPath, mapping.h), for `metadata.<path>` attributes and attribute_map.
inline bool IsObjectKeyPath(std::string_view path) {
  return !path.empty() && path.front() != '.' && path.back() != '.' &&
         path.find("..") == std::string_view::npos && path.find('[') == std::string_view::npos;
}

struct OtlpMappingOptions {
  // Span attribute key -> trace path ("app.intent" -> "metadata.intent"): the attribute is read
  // as if it were `arbiter.<path>`, so it sets that path after every convention, a later span's
  // value winning. std::less<> finds by string_view without a copy per attribute.
  std::map<std::string, std::string, std::less<>> attribute_map;
};

}  // namespace arbiter
