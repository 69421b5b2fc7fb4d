#include "runner/plugin_api/json_schema/violation.h"

#include <cctype>
#include <optional>
#include <string_view>

namespace arbiter {
namespace {

constexpr size_t kMaxDescription = 120;  // code points
constexpr size_t kMaxValue = 40;         // code points of a quoted value

// What a violation's description says about the value found at its pointer.
struct ValueInfo {
  std::string type;  // JSON Schema's name: "string", "number", "object", ...
  bool integer = false;
  std::string json;  // minified
};

std::optional<ValueInfo> InfoAt(simdjson::dom::element root, const std::string& pointer) {
  simdjson::dom::element value;
  if (root.at_pointer(pointer).get(value)) return std::nullopt;
  ValueInfo info;
  switch (value.type()) {
    case simdjson::dom::element_type::ARRAY:
      info.type = "array";
      break;
    case simdjson::dom::element_type::OBJECT:
      info.type = "object";
      break;
    case simdjson::dom::element_type::STRING:
      info.type = "string";
      break;
    case simdjson::dom::element_type::BOOL:
      info.type = "boolean";
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      info.type = "null";
      break;
    default:
      info.type = "number";
      info.integer = value.type() == simdjson::dom::element_type::INT64;
  }
  info.json = simdjson::minify(value);
  return info;
}

// The schema node a local "$ref" points to (after up to 32 hops), or `node` itself.
const nlohmann::json* Dereference(const nlohmann::json& root, const nlohmann::json* node) {
  for (int hops = 0; hops < 32 && node && node->is_object(); ++hops) {
    auto ref = node->find("$ref");
    if (ref == node->end() || !ref->is_string()) return node;
    std::string target = ref->get<std::string>();
    if (target.empty() || target[0] != '#') return nullptr;
    try {
      node = &root.at(nlohmann::json::json_pointer(target.substr(1)));
    } catch (const nlohmann::json::exception&) {
      return nullptr;
    }
  }
  return node;
}

// The `type` the schema gives the value at `tokens`, when the plain structural keywords lead
// there; empty when they do not (combinators, patternProperties, a remote place).
std::vector<std::string> ExpectedTypes(const nlohmann::json& root,
                                       const std::vector<std::string>& tokens) {
  const nlohmann::json* node = &root;
  for (const std::string& token : tokens) {
    node = Dereference(root, node);
    if (!node || !node->is_object()) return {};
    auto properties = node->find("properties");
    auto items = node->find("items");
    auto additional = node->find("additionalProperties");
    bool is_index = !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
    if (properties != node->end() && properties->is_object() && properties->contains(token)) {
      node = &(*properties)[token];
    } else if (is_index && items != node->end() && items->is_object()) {
      node = &*items;
    } else if (is_index && items != node->end() && items->is_array()) {
      size_t index = std::stoul(token);
      auto extra = node->find("additionalItems");
      if (index < items->size()) {
        node = &(*items)[index];
      } else if (extra != node->end() && extra->is_object()) {
        node = &*extra;
      } else {
        return {};
      }
    } else if (additional != node->end() && additional->is_object()) {
      node = &*additional;
    } else {
      return {};
    }
  }
  node = Dereference(root, node);
  if (!node || !node->is_object()) return {};
  auto type = node->find("type");
  if (type == node->end()) return {};
  std::vector<std::string> types;
  if (type->is_string()) types.push_back(type->get<std::string>());
  if (type->is_array()) {
    for (const nlohmann::json& item : *type) {
      if (item.is_string()) types.push_back(item.get<std::string>());
    }
  }
  return types;
}

std::vector<std::string> Tokens(const std::vector<std::string>& context) {
  std::vector<std::string> tokens;
  // context[0] is "<root>"; the rest are "[name]" or "[index]".
  for (size_t i = 1; i < context.size(); ++i) {
    const std::string& step = context[i];
    bool bracketed = step.size() >= 2 && step.front() == '[' && step.back() == ']';
    tokens.push_back(bracketed ? step.substr(1, step.size() - 2) : step);
  }
  return tokens;
}

bool TypeAllows(const std::vector<std::string>& types, const ValueInfo& value) {
  for (const std::string& type : types) {
    if (type == value.type || (type == "integer" && value.integer)) return true;
  }
  return false;
}

}  // namespace

std::string ShortText(std::string_view text, size_t max) {
  size_t end = 0, count = 0;
  while (end < text.size()) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80 && count++ == max) break;
    ++end;
  }
  std::string out(text.substr(0, end));
  if (end < text.size()) out += "...";
  return out;
}

std::string DescribeViolation(const std::vector<std::string>& context,
                              const std::string& description, const nlohmann::json& schema,
                              simdjson::dom::element instance) {
  std::string pointer = ContextToPointer(context);
  std::optional<ValueInfo> value = InfoAt(instance, pointer);
  std::string text;
  if (description == "Value type not permitted by 'type' constraint." && value) {
    std::vector<std::string> expected = ExpectedTypes(schema, Tokens(context));
    if (!expected.empty() && !TypeAllows(expected, *value)) {
      text = "expected type ";
      for (size_t i = 0; i < expected.size(); ++i) {
        text += (i == 0 ? "" : i + 1 == expected.size() ? " or " : ", ") + expected[i];
      }
      text += ", got " + value->type;
    } else {
      text = "type " + value->type + " is not allowed here";
    }
  } else {
    text = description;
    if (!text.empty() && text.back() == '.') text.pop_back();
    if (!text.empty())
      text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    bool quotes_value = description.find("enum") != std::string::npos ||
                        description.find("'const'") != std::string::npos ||
                        description.find("pattern '") != std::string::npos;
    if (quotes_value && value) text += " (got " + ShortText(value->json, kMaxValue) + ")";
  }
  text = ShortText(text, kMaxDescription);
  return pointer.empty() ? text : pointer + ": " + text;
}

std::string EscapePointerToken(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string ContextToPointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& token : Tokens(context)) pointer += "/" + EscapePointerToken(token);
  return pointer;
}

}  // namespace arbiter
