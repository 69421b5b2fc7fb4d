#include "runner/base/json_util.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "runner/base/utf8.h"

namespace arbiter {

std::string ElementText(simdjson::dom::element element) {
  std::string_view text;
  if (!element.get_string().get(text)) return std::string(text);
  if (element.is_null()) return std::string();
  return simdjson::minify(element);
}

std::optional<std::string_view> ElementString(simdjson::dom::element element) {
  std::string_view text;
  if (element.get_string().get(text)) return std::nullopt;
  return text;
}

std::optional<double> ElementNumber(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::INT64:
      return static_cast<double>(int64_t(element));
    case simdjson::dom::element_type::UINT64:
      return static_cast<double>(uint64_t(element));
    case simdjson::dom::element_type::DOUBLE:
      return double(element);
    case simdjson::dom::element_type::STRING: {
      std::string_view text = std::string_view(element);
      double value = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || ptr != text.data() + text.size() || text.empty())
        return std::nullopt;
      return value;
    }
    default:
      return std::nullopt;
  }
}

namespace {

// True when one of the 8 bytes at `p` needs a closer look: < 0x20, '"', '\\' or >= 0x80. Lets
// the writer skip plain text a word at a time.
bool NeedsEscapeLook(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  uint64_t w;
  std::memcpy(&w, p, 8);
  auto has_zero = [&](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  return ((w - kOnes * 0x20) & ~w & kHigh) || has_zero(w ^ (kOnes * '"')) ||
         has_zero(w ^ (kOnes * '\\')) || (w & kHigh);
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t i = 0;
  while (i < text.size()) {
    // Copy the longest run that needs no escaping in one append: reasons and ids are mostly
    // plain text, and byte-at-a-time appends dominated the row writer's profile.
    size_t run = i;
    for (;;) {
      while (run + 8 <= text.size() && !NeedsEscapeLook(text.data() + run)) run += 8;
      while (run < text.size()) {
        unsigned char c = static_cast<unsigned char>(text[run]);
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
        ++run;
      }
      if (run == text.size() || static_cast<unsigned char>(text[run]) < 0x80) break;
      size_t len = Utf8SequenceLength(text, run);
      if (len == 0) break;
      run += len;
    }
    out.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {          // not a valid UTF-8 sequence (valid ones were copied above)
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
    ++i;
  }
  out.push_back('"');
}

void AppendJsonNumber(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string_view text(buffer, ptr - buffer);
  out.append(text);  // no allocation: this writes every score of scores.jsonl
  if (text.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

size_t CountCodePoints(std::string_view utf8) {
  size_t count = 0;
  for (char c : utf8) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace arbiter
