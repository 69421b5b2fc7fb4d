#include "runner/source/otlp/any_value.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace arbiter {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 40;  // keep reasons short when the offending value is long
  std::string out = "\"";
  out.append(text.substr(0, kMax));
  if (text.size() > kMax) out += "...";
  out += "\"";
  return out;
}

bool DecodeInt(element value, OrderedJson& out, std::string& problem) {
  int64_t number = 0;
  switch (value.type()) {
    case element_type::INT64:
      out = int64_t(value);
      return true;
    case element_type::UINT64:
      problem = "intValue " + std::to_string(uint64_t(value)) + " is out of the int64 range";
      return false;
    case element_type::STRING: {
      std::string_view text = value.get_string().value_unsafe();
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec == std::errc() && ptr == text.data() + text.size() && !text.empty()) {
        out = number;
        return true;
      }
      problem = "intValue " + Quoted(text) + " is not an int64";
      return false;
    }
    default:
      problem = "intValue is not an integer or a string";
      return false;
  }
}

bool DecodeDouble(element value, OrderedJson& out, std::string& problem) {
  double number = 0;
  switch (value.type()) {
    case element_type::DOUBLE:
      number = double(value);
      break;
    case element_type::INT64:
      number = static_cast<double>(int64_t(value));
      break;
    case element_type::UINT64:
      number = static_cast<double>(uint64_t(value));
      break;
    case element_type::STRING: {
      std::string_view text = value.get_string().value_unsafe();
      if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
        out = nullptr;  // JSON has no non-finite numbers
        return true;
      }
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
        problem = "doubleValue " + Quoted(text) + " is not a number";
        return false;
      }
      break;
    }
    default:
      problem = "doubleValue is not a number";
      return false;
  }
  if (std::isfinite(number)) {
    out = number;
  } else {
    out = nullptr;
  }
  return true;
}

// The "values" element of an arrayValue or kvlistValue; absent means empty (protobuf JSON omits
// empty repeated fields).
bool ValuesOf(element holder, std::string_view what, element& values, bool& present,
              std::string& problem) {
  simdjson::dom::object object;
  if (holder.get_object().get(object)) {
    problem = std::string(what) + " is not an object";
    return false;
  }
  present = !object["values"].get(values);
  if (present && !values.is_array()) {
    problem = std::string(what) + ".values is not an array";
    return false;
  }
  return true;
}

}  // namespace

bool DecodeAnyValue(element value, OrderedJson& out, std::string& problem) {
  simdjson::dom::object object;
  if (value.get_object().get(object)) {
    problem = "value is not an AnyValue object";
    return false;
  }
  for (auto field : object) {
    std::string_view key = field.key;
    element inner = field.value;
    if (key == "stringValue" || key == "bytesValue") {
      std::string_view text;
      if (inner.get_string().get(text)) {
        problem = std::string(key) + " is not a string";
        return false;
      }
      out = std::string(text);
      return true;
    }
    if (key == "intValue") return DecodeInt(inner, out, problem);
    if (key == "doubleValue") return DecodeDouble(inner, out, problem);
    if (key == "boolValue") {
      bool flag = false;
      if (inner.get_bool().get(flag)) {
        problem = "boolValue is not a boolean";
        return false;
      }
      out = flag;
      return true;
    }
    if (key == "arrayValue") {
      element values;
      bool present = false;
      if (!ValuesOf(inner, key, values, present, problem)) return false;
      out = OrderedJson::array();
      if (!present) return true;
      simdjson::dom::array items = values.get_array().value_unsafe();  // checked by ValuesOf
      for (element item : items) {
        OrderedJson decoded;
        if (!DecodeAnyValue(item, decoded, problem)) return false;
        out.push_back(std::move(decoded));
      }
      return true;
    }
    if (key == "kvlistValue") {
      element values;
      bool present = false;
      if (!ValuesOf(inner, key, values, present, problem)) return false;
      out = OrderedJson::object();
      if (!present) return true;
      OtlpAttributes pairs;
      std::vector<std::string> problems;
      DecodeKeyValues(values, "kvlistValue.values", pairs, problems);
      if (!problems.empty()) {
        problem = problems.front();
        return false;
      }
      for (OtlpAttribute& pair : pairs) out[pair.key] = std::move(pair.value);
      return true;
    }
    problem = "unknown AnyValue field " + Quoted(key);
    return false;
  }
  out = nullptr;  // an empty AnyValue
  return true;
}

void DecodeKeyValues(element list, std::string_view field, OtlpAttributes& out,
                     std::vector<std::string>& problems) {
  simdjson::dom::array entries;
  if (list.get_array().get(entries)) {
    problems.push_back("\"" + std::string(field) + "\" is not an array");
    return;
  }
  out.reserve(out.size() + entries.size());
  for (element entry : entries) {
    simdjson::dom::object object;
    std::string_view key;
    if (entry.get_object().get(object) || object["key"].get_string().get(key)) {
      problems.push_back("an entry of \"" + std::string(field) + "\" has no string \"key\"");
      continue;
    }
    OtlpAttribute attribute;
    attribute.key = std::string(key);
    element value;
    if (!object["value"].get(value)) {
      std::string problem;
      if (!DecodeAnyValue(value, attribute.value, problem)) {
        problems.push_back(std::string(field) + " " + Quoted(key) + ": " + problem);
        continue;
      }
    }  // a missing value is an empty AnyValue: null
    out.push_back(std::move(attribute));
  }
}

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // standard and URL-safe alphabets
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

bool ParseOtlpId(std::string_view text, size_t bytes, std::string& hex) {
  static constexpr char kHex[] = "0123456789abcdef";
  hex.clear();
  if (text.size() == 2 * bytes) {
    hex.reserve(text.size());
    for (char c : text) {
      int digit = HexDigit(c);
      if (digit < 0) return false;
      hex.push_back(kHex[digit]);
    }
    return true;
  }
  // Base64: 4 characters per 3 bytes, optionally padded with '='.
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() != (bytes * 8 + 5) / 6) return false;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int digit = Base64Digit(c);
    if (digit < 0) return false;
    buffer = (buffer << 6) | static_cast<uint32_t>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      unsigned byte = (buffer >> bits) & 0xFF;
      hex.push_back(kHex[byte >> 4]);
      hex.push_back(kHex[byte & 0xF]);
    }
  }
  return hex.size() == 2 * bytes;
}

bool IsZeroId(std::string_view hex) { return hex.find_first_not_of('0') == std::string_view::npos; }

bool ParseUnixNano(element value, uint64_t& nanos) {
  switch (value.type()) {
    case element_type::UINT64:
      nanos = uint64_t(value);
      return true;
    case element_type::INT64: {
      int64_t number = int64_t(value);
      if (number < 0) return false;
      nanos = static_cast<uint64_t>(number);
      return true;
    }
    case element_type::STRING: {
      std::string_view text = value.get_string().value_unsafe();
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), nanos);
      return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
    }
    default:
      return false;
  }
}

}  // namespace arbiter
