#include "runner/plugin_api/json_schema/ref_cycles.h"

#include <cctype>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runner/plugin_api/json_schema/violation.h"

namespace arbiter {
namespace {

using nlohmann::json;

// Every object in the schema that can be a subschema, by address, with its JSON pointer. The
// values of data keywords (enum, const, default, examples) are not schemas.
struct SchemaIndex {
  std::vector<const json*> in_order;  // document order, so the loop reported is always the same
  std::unordered_map<const json*, std::string> pointer;
};

void IndexSchemas(const json& node, const std::string& pointer, SchemaIndex& index) {
  if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      IndexSchemas(node[i], pointer + "/" + std::to_string(i), index);
    }
    return;
  }
  if (!node.is_object()) return;
  index.in_order.push_back(&node);
  index.pointer.emplace(&node, pointer);
  for (const auto& [key, value] : node.items()) {
    if (key == "enum" || key == "const" || key == "default" || key == "examples") continue;
    IndexSchemas(value, pointer + "/" + EscapePointerToken(key), index);
  }
}

// The node that `pointer` (a `$ref` fragment without its '#') names, resolved as valijson resolves
// it: empty tokens are skipped (so "#/" and "#//" name the root), "~1" and "~0" unescaped, then
// %XX decoded; an array index is parsed as std::stoul does. Null when valijson would not resolve
// it (it reports that itself). Resolving any other way would miss loops valijson follows.
const json* ResolveAsValijson(const json& root, const std::string& pointer) {
  const json* node = &root;
  size_t at = 0;
  while (at < pointer.size()) {
    if (pointer[at] != '/') return nullptr;
    size_t next = pointer.find('/', at + 1);
    if (next == std::string::npos) next = pointer.size();
    std::string token = pointer.substr(at + 1, next - at - 1);
    at = next;
    for (auto [from, to] : {std::pair<const char*, const char*>{"~1", "/"}, {"~0", "~"}}) {
      for (size_t i = token.find(from); i != std::string::npos; i = token.find(from, i + 1)) {
        token.replace(i, 2, to);
      }
    }
    for (size_t i = token.find('%'); i != std::string::npos; i = token.find('%', i + 1)) {
      if (i + 2 >= token.size() || !std::isxdigit(static_cast<unsigned char>(token[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(token[i + 2]))) {
        return nullptr;
      }
      token.replace(i, 3, 1, static_cast<char>(std::stoi(token.substr(i + 1, 2), nullptr, 16)));
    }
    if (token.empty()) continue;
    if (node->is_array()) {
      size_t index = 0;
      try {
        index = std::stoul(token);
      } catch (const std::exception&) {
        return nullptr;
      }
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else if (node->is_object()) {
      auto member = node->find(token);
      if (member == node->end()) return nullptr;
      node = &*member;
    } else {
      return nullptr;
    }
  }
  return node;
}

// The schemas `node` applies to the very value it checks. valijson reads a `$ref` object as the
// reference alone (draft 7 ignores its siblings); otherwise the combinators and conditionals.
std::vector<const json*> SameValueSchemas(const json& root, const json& node) {
  std::vector<const json*> out;
  auto ref = node.find("$ref");
  if (ref != node.end()) {
    if (!ref->is_string()) return out;
    const std::string& text = ref->get_ref<const std::string&>();
    if (text.empty() || text[0] != '#') return out;  // remote: refused elsewhere
    // An unresolvable reference is valijson's to report.
    if (const json* target = ResolveAsValijson(root, text.substr(1))) out.push_back(target);
    return out;
  }
  for (const char* key : {"allOf", "anyOf", "oneOf"}) {
    auto list = node.find(key);
    if (list == node.end() || !list->is_array()) continue;
    for (const json& item : *list) out.push_back(&item);
  }
  for (const char* key : {"not", "if", "then", "else"}) {
    auto item = node.find(key);
    if (item != node.end()) out.push_back(&*item);
  }
  auto dependencies = node.find("dependencies");
  if (dependencies != node.end() && dependencies->is_object()) {
    for (const json& item : *dependencies) out.push_back(&item);
  }
  return out;
}

}  // namespace

std::optional<std::string> FindRefCycle(const nlohmann::json& schema, std::string* where) {
  SchemaIndex index;
  IndexSchemas(schema, "", index);
  enum Color { kOnPath = 1, kDone = 2 };
  std::unordered_map<const json*, Color> color;
  // Depth-first along same-value edges, with an explicit stack: a chain of references may be
  // far longer than the schema is deep.
  struct Frame {
    const json* node;
    std::vector<const json*> next;
    size_t taken = 0;
  };
  for (const json* start : index.in_order) {
    if (color.count(start)) continue;
    std::vector<Frame> path;
    path.push_back({start, SameValueSchemas(schema, *start)});
    color[start] = kOnPath;
    while (!path.empty()) {
      Frame& top = path.back();
      if (top.taken == top.next.size()) {
        color[top.node] = kDone;
        path.pop_back();
        continue;
      }
      const json* next = top.next[top.taken++];
      if (!next->is_object() || !index.pointer.count(next)) continue;
      auto seen = color.find(next);
      if (seen != color.end() && seen->second == kDone) continue;
      if (seen != color.end()) {  // on the path: a loop
        std::string loop;
        bool in_loop = false;
        for (const Frame& frame : path) {
          in_loop = in_loop || frame.node == next;
          if (in_loop) loop += "#" + index.pointer[frame.node] + " -> ";
        }
        *where = index.pointer[next];
        return "$ref loop " + loop + "#" + index.pointer[next] +
               ": each schema applies the next to the same value, without end";
      }
      color[next] = kOnPath;
      path.push_back({next, SameValueSchemas(schema, *next)});
    }
  }
  return std::nullopt;
}

}  // namespace arbiter
