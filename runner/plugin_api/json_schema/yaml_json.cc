#include "runner/plugin_api/json_schema/yaml_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "runner/base/json_util.h"

namespace arbiter {
namespace {

// Deeper than any schema anyone writes; stops a hostile file from exhausting the stack.
constexpr int kMaxDepth = 256;

bool IsDigits(std::string_view s, bool (*digit)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!digit(c)) return false;
  }
  return true;
}
bool Decimal(char c) { return c >= '0' && c <= '9'; }
bool Hex(char c) { return Decimal(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool Octal(char c) { return c >= '0' && c <= '7'; }

// YAML 1.2 core schema float: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool IsCoreFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && Decimal(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && Decimal(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && Decimal(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

// An integer in `digits` (no sign) of `base`; a value past int64 becomes uint64, then double.
nlohmann::json Integer(std::string_view digits, int base, bool negative) {
  const char* end = digits.data() + digits.size();
  if (!negative) {
    uint64_t value = 0;
    if (std::from_chars(digits.data(), end, value, base).ec == std::errc()) {
      if (value <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(value);
      return value;
    }
  } else {
    uint64_t magnitude = 0;
    if (std::from_chars(digits.data(), end, magnitude, base).ec == std::errc() &&
        magnitude <= static_cast<uint64_t>(INT64_MAX) + 1) {
      return static_cast<int64_t>(0 - magnitude);
    }
  }
  double value = 0;  // too large for 64 bits: JSON keeps it as a number all the same
  for (char c : digits) value = value * base + (Decimal(c) ? c - '0' : (c | 0x20) - 'a' + 10);
  return negative ? -value : value;
}

// A plain (unquoted, untagged) scalar typed by the core schema.
nlohmann::json PlainScalar(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text == "null" || text == "Null" || text == "NULL" || text == "~") return nullptr;
  std::string_view s = text;
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && IsDigits(s.substr(2), Hex)) {
    return Integer(s.substr(2), 16, false);
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && IsDigits(s.substr(2), Octal)) {
    return Integer(s.substr(2), 8, false);
  }
  bool negative = !s.empty() && s[0] == '-';
  std::string_view unsigned_part = !s.empty() && (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
  if (IsDigits(unsigned_part, Decimal)) return Integer(unsigned_part, 10, negative);
  if (IsCoreFloat(s)) {
    double value = 0;
    // from_chars takes no '+'; the text is known to be a well-formed decimal. Out of range, it
    // leaves `value` as it was: 1e999 read as 0. strtod gives HUGE_VAL (refused by Convert) or,
    // for 1e-400, zero or a subnormal, as JSON readers do. No locale is ever set: '.' holds.
    const char* end = unsigned_part.data() + unsigned_part.size();
    if (std::from_chars(unsigned_part.data(), end, value).ec == std::errc::result_out_of_range) {
      value = std::strtod(std::string(unsigned_part).c_str(), nullptr);
    }
    return negative ? -value : value;
  }
  return text;
}

Result<nlohmann::json> Convert(const YAML::Node& node, int depth, YAML::Node* bad) {
  auto fail = [&](const YAML::Node& at, const std::string& reason) -> Status {
    if (bad) *bad = at;
    return Status::InvalidArgument(reason);
  };
  if (depth > kMaxDepth) return fail(node, "nested deeper than " + std::to_string(kMaxDepth));
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nlohmann::json(nullptr);
    case YAML::NodeType::Scalar: {
      // JSON holds only UTF-8; CheckYamlDocument checks loaded files, this any other YAML.
      if (!IsValidUtf8(node.Scalar())) return fail(node, "a string that is not UTF-8");
      const std::string& tag = node.Tag();
      // "?" marks a plain scalar; "!" a quoted or block one; anything else an explicit tag.
      if (tag == "?" || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
          tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
        nlohmann::json value = PlainScalar(node.Scalar());
        if (value.is_number_float() && !std::isfinite(value.get<double>())) {
          return fail(node, "the number " + node.Scalar() + " is past a double's range");
        }
        return value;
      }
      return nlohmann::json(node.Scalar());
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const YAML::Node& item : node) {
        ARBITER_ASSIGN_OR_RETURN(nlohmann::json value, Convert(item, depth + 1, bad));
        array.push_back(std::move(value));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& member : node) {
        if (!member.first.IsScalar() && !member.first.IsNull()) {
          return fail(member.first, "a JSON object key must be a string, not a YAML collection");
        }
        std::string key = member.first.IsNull() ? "null" : member.first.Scalar();
        if (!IsValidUtf8(key)) return fail(member.first, "a key that is not UTF-8");
        ARBITER_ASSIGN_OR_RETURN(nlohmann::json value, Convert(member.second, depth + 1, bad));
        object[key] = std::move(value);
      }
      return object;
    }
  }
  return nlohmann::json(nullptr);
}

}  // namespace

Result<nlohmann::json> YamlToJson(const YAML::Node& node, YAML::Node* bad) {
  return Convert(node, 0, bad);
}

}  // namespace arbiter
