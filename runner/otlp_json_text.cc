#include "runner/otlp_json_text.h"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "runner/json_util.h"

namespace arbiter {
namespace {

// True when one of the 8 bytes in `w` needs a look: < 0x20, '"', '\\' or >= 0x80.
bool NeedsLook(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  return ((w - kOnes * 0x20) & ~w & kHigh) || has_zero(w ^ (kOnes * '"')) ||
         has_zero(w ^ (kOnes * '\\')) || (w & kHigh);
}

// AppendJsonString, faster for the common case: runs of bytes that need no escape are copied at
// once, scanned 8 bytes at a time. Text that is not valid UTF-8 takes AppendJsonString's path,
// which replaces what is invalid.
void AppendString(std::string& out, std::string_view text) {
  const size_t start = out.size();
  out += '"';
  size_t run = 0, i = 0;
  bool non_ascii = false;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {
      uint64_t w;
      std::memcpy(&w, text.data() + i, 8);
      if (!NeedsLook(w)) {
        i += 8;
        continue;
      }
    }
    unsigned char c = static_cast<unsigned char>(text[i++]);
    if (c >= 0x80) {
      non_ascii = true;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - 1 - run);
    run = i;
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
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
      }
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
  if (non_ascii && !IsValidUtf8(text)) {
    out.resize(start);
    AppendJsonString(out, text);
  }
}

}  // namespace

void AppendJson(std::string& out, const OrderedJson& value) {
  switch (value.type()) {
    case OrderedJson::value_t::string:
      AppendString(out, value.get_ref<const std::string&>());
      return;
    case OrderedJson::value_t::number_integer:
    case OrderedJson::value_t::number_unsigned: {
      char buffer[24];
      // is_number_integer() is true for unsigned values too: ask for unsigned.
      auto [end, ec] = value.is_number_unsigned()
                           ? std::to_chars(buffer, buffer + sizeof(buffer), value.get<uint64_t>())
                           : std::to_chars(buffer, buffer + sizeof(buffer), value.get<int64_t>());
      out.append(buffer, end);
      return;
    }
    case OrderedJson::value_t::number_float:
      AppendJsonNumber(out, value.get<double>());
      return;
    case OrderedJson::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case OrderedJson::value_t::array: {
      out += '[';
      bool first = true;
      for (const OrderedJson& item : value) {
        if (!first) out += ',';
        first = false;
        AppendJson(out, item);
      }
      out += ']';
      return;
    }
    case OrderedJson::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ',';
        first = false;
        AppendString(out, it.key());
        out += ':';
        AppendJson(out, it.value());
      }
      out += '}';
      return;
    }
    default:
      out += "null";
      return;
  }
}

}  // namespace arbiter
