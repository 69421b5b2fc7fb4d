#include "runner/base/utf8.h"

#include <simdjson.h>

namespace arbiter {

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t len = 0;
  uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

std::optional<TextPosition> FirstInvalidUtf8(std::string_view text) {
  // The vectorized check first: configuration files are valid nearly always.
  if (simdjson::validate_utf8(text.data(), text.size())) return std::nullopt;
  TextPosition position;
  size_t i = 0;
  while (i < text.size()) {
    size_t len = Utf8SequenceLength(text, i);
    if (len == 0) {
      position.offset = i;
      return position;
    }
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
    i += len;
  }
  return std::nullopt;
}

Status CheckUtf8(std::string_view text, const std::string& file) {
  std::optional<TextPosition> bad = FirstInvalidUtf8(text);
  if (!bad) return Status::OK();
  static constexpr char kHex[] = "0123456789ABCDEF";
  unsigned char byte = static_cast<unsigned char>(text[bad->offset]);
  std::string hex = {kHex[byte >> 4], kHex[byte & 0xF]};
  return Status::InvalidArgument(file + ":" + std::to_string(bad->line) + ":" +
                                 std::to_string(bad->column) + ": not UTF-8 (byte 0x" + hex +
                                 "); save the file as UTF-8");
}

std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t len = static_cast<unsigned char>(text[i]) < 0x80 ? 1 : Utf8SequenceLength(text, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(text, i, len);
      i += len;
    }
  }
  return out;
}

}  // namespace arbiter
