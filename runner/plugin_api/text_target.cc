#include "runner/plugin_api/text_target.h"

#include <optional>

#include "runner/base/json_util.h"

namespace arbiter {
namespace {

TracePath TargetPath(const EvaluatorSpec& spec) {
  if (spec.target) return *spec.target;
  // A literal that always parses; Parse is the only way to build a TracePath.
  return TracePath::Parse("output").value();
}

}  // namespace

TextTarget::TextTarget(const EvaluatorSpec& spec) : path_(TargetPath(spec)) {}

Result<std::string_view> TextTarget::Text(const Trace& trace, std::string& scratch) const {
  std::optional<simdjson::dom::element> element = path_.Lookup(trace.root());
  if (!element) {
    return Status::NotFound("target path '" + path_.text() + "' is missing from the trace");
  }
  if (std::optional<std::string_view> text = ElementString(*element)) return *text;
  scratch = ElementText(*element);
  return std::string_view(scratch);
}

size_t WhitespaceLength(std::string_view text, size_t i) {
  auto byte = [&](size_t k) -> unsigned {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u;
  };
  unsigned c = byte(i);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (c < 0x80) return 0;
  if (c == 0xC2) {  // U+0085, U+00A0
    unsigned c1 = byte(i + 1);
    return c1 == 0x85 || c1 == 0xA0 ? 2 : 0;
  }
  unsigned c1 = byte(i + 1), c2 = byte(i + 2);
  if (c == 0xE1) return c1 == 0x9A && c2 == 0x80 ? 3 : 0;  // U+1680
  if (c == 0xE3) return c1 == 0x80 && c2 == 0x80 ? 3 : 0;  // U+3000
  if (c == 0xE2) {
    if (c1 == 0x80) {  // U+2000..U+200A, U+2028, U+2029, U+202F
      return (c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF ? 3 : 0;
    }
    if (c1 == 0x81) return c2 == 0x9F ? 3 : 0;  // U+205F
  }
  return 0;
}

std::string Excerpt(std::string_view text, size_t max_code_points) {
  size_t end = 0;
  size_t count = 0;
  while (end < text.size()) {
    // A code point starts at every byte that is not a continuation byte (10xxxxxx).
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80 && count++ == max_code_points) {
      break;
    }
    ++end;
  }
  std::string out = "'";
  out.append(text.substr(0, end));
  if (end < text.size()) out += "...";
  out += "'";
  return out;
}

}  // namespace arbiter
