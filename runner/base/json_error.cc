#include "runner/base/json_error.h"

namespace arbiter {

std::string JsonErrorText(const nlohmann::json::exception& e) {
  std::string what = e.what();
  size_t tag_end = what.rfind("] ", what.find(' '));  // the tag is the first word
  return what.starts_with("[json.exception.") && tag_end != std::string::npos
             ? what.substr(tag_end + 2)
             : what;
}

std::string NotValidJsonLine(const nlohmann::json::exception& e) {
  std::string text = JsonErrorText(e);
  const auto* parse_error = dynamic_cast<const nlohmann::json::parse_error*>(&e);
  size_t colon = text.find(": ");
  if (!parse_error || !text.starts_with("parse error at line 1, column ") ||
      colon == std::string::npos) {
    return "not valid JSON: " + text;
  }
  // e.byte counts the bytes read, the offending one included: its 1-based column.
  return "not valid JSON at column " + std::to_string(parse_error->byte) + text.substr(colon);
}

}  // namespace arbiter
