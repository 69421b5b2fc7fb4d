#include "runner/trace/trace_path.h"

#include <cctype>

namespace arbiter {
namespace {

bool IsKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$';
}

Status PathError(std::string_view text, size_t column, std::string_view reason) {
  return Status::InvalidArgument("bad path '" + std::string(text) + "' at column " +
                                 std::to_string(column + 1) + ": " + std::string(reason));
}

}  // namespace

Result<TracePath> TracePath::Parse(std::string_view text) {
  TracePath path;
  path.text_ = std::string(text);
  if (text.empty()) return PathError(text, 0, "empty path");
  size_t i = 0;
  bool expect_key = true;
  while (i < text.size()) {
    char c = text[i];
    if (c == '[') {
      size_t close = text.find(']', i);
      if (close == std::string_view::npos) return PathError(text, i, "unclosed '['");
      std::string_view inner = text.substr(i + 1, close - i - 1);
      if (inner.size() >= 2 && (inner.front() == '"' || inner.front() == '\'') &&
          inner.back() == inner.front()) {
        path.steps_.push_back({std::string(inner.substr(1, inner.size() - 2)), -1});
      } else {
        if (inner.empty()) return PathError(text, i, "empty index");
        long index = 0;
        for (char d : inner) {
          if (!std::isdigit(static_cast<unsigned char>(d)))
            return PathError(text, i + 1, "index must be a non-negative integer");
          index = index * 10 + (d - '0');
          if (index > 1'000'000'000) return PathError(text, i + 1, "index too large");
        }
        path.steps_.push_back({"", index});
      }
      i = close + 1;
      expect_key = false;
      continue;
    }
    if (c == '.') {
      if (expect_key) return PathError(text, i, "empty segment");
      expect_key = true;
      ++i;
      continue;
    }
    if (!expect_key) return PathError(text, i, "expected '.' or '['");
    size_t start = i;
    while (i < text.size() && IsKeyChar(text[i])) ++i;
    if (i == start) return PathError(text, i, std::string("unexpected character '") + c + "'");
    path.steps_.push_back({std::string(text.substr(start, i - start)), -1});
    expect_key = false;
  }
  if (expect_key) return PathError(text, text.size() - 1, "path ends with '.'");
  return path;
}

std::optional<simdjson::dom::element> TracePath::Lookup(simdjson::dom::element root) const {
  simdjson::dom::element current = root;
  for (const Step& step : steps_) {
    if (step.index >= 0) {
      simdjson::dom::array array;
      if (current.get_array().get(array)) return std::nullopt;
      if (array.at(static_cast<size_t>(step.index)).get(current)) return std::nullopt;
    } else {
      simdjson::dom::object object;
      if (current.get_object().get(object)) return std::nullopt;
      if (object.at_key(step.key).get(current)) return std::nullopt;
    }
  }
  return current;
}

}  // namespace arbiter
