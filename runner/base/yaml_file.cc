#include "runner/base/yaml_file.h"

#include <unordered_map>

#include "runner/base/config_file.h"
#include "runner/base/env_subst.h"
#include "runner/base/json_util.h"
#include "runner/base/utf8.h"

namespace arbiter {
namespace {

// yaml-cpp's parser messages name the grammar rule that failed; say what usually causes it.
std::string Explained(const std::string& message) {
  static const std::pair<const char*, const char*> kHints[] = {
      {"end of map not found",
       "a key is indented differently from the keys around it, or a value holds ': ' unquoted"},
      {"end of map flow not found", "a { ... } mapping is not closed with '}'"},
      {"end of sequence not found", "a list item ('- ') is indented differently from the others"},
      {"end of sequence flow not found", "a [ ... ] list is not closed with ']'"},
      {"illegal map value",
       "a key is indented more than the one above it, a value holds ': ' unquoted (quote it: "
       "'a: b'), or a tab indents (YAML indents with spaces only)"},
      {"unknown token", "a tab or a stray character; YAML indents with spaces only"},
      {"end of string not found", "a quoted string is not closed"},
  };
  for (const auto& [raw, hint] : kHints) {
    if (message == raw) return "YAML syntax: " + message + " (" + hint + ")";
  }
  return "YAML syntax: " + message;
}

// Expanded sizes by node identity, so a node reached through many aliases is counted once; each
// scalar's UTF-8 is checked on its first visit.
class DocumentChecker {
 public:
  DocumentChecker(const std::string& file, uint64_t cap, uint64_t first_line)
      : file_(file), cap_(cap), first_line_(first_line) {}

  Result<uint64_t> Count(const YAML::Node& node) {
    const void* id = YamlNodeIdentity(node);
    auto [it, inserted] = sizes_.try_emplace(id, kInProgress);
    if (!inserted) {
      if (it->second == kInProgress) {
        return ErrorAt(node, "an alias refers to the value that contains it");
      }
      return it->second;
    }
    if (node.IsScalar() && !IsValidUtf8(node.Scalar())) {
      return ErrorAt(node,
                     "this string is not UTF-8 once its escapes are read: yaml-cpp reads \\N and "
                     "\\_ as single bytes; write the character itself, or \\u0085 or \\u00a0");
    }
    uint64_t total = 1;
    // Every partial sum stays below 2 * cap: each child is at most cap, and we stop past it.
    auto add = [&](const YAML::Node& child) -> Status {
      ARBITER_ASSIGN_OR_RETURN(uint64_t size, Count(child));
      total += size;
      if (total > cap_) {
        return ErrorAt(node, "this value expands to more than " + std::to_string(cap_) +
                                 " nodes through YAML aliases (the cap on alias expansion)");
      }
      return Status::OK();
    };
    if (node.IsMap()) {
      for (const auto& member : node) {
        ARBITER_RETURN_IF_ERROR(add(member.first));
        ARBITER_RETURN_IF_ERROR(add(member.second));
      }
    } else if (node.IsSequence()) {
      for (const YAML::Node& item : node) ARBITER_RETURN_IF_ERROR(add(item));
    }
    sizes_[id] = total;
    return total;
  }

 private:
  Status ErrorAt(const YAML::Node& node, std::string_view reason) const {
    YAML::Mark mark = node.Mark();
    if (!mark.is_null()) mark.line += static_cast<int>(first_line_ - 1);
    return ConfigErrorAt(file_, mark, reason);
  }

  static constexpr uint64_t kInProgress = UINT64_MAX;
  const std::string& file_;
  uint64_t cap_;
  uint64_t first_line_;
  std::unordered_map<const void*, uint64_t> sizes_;
};

}  // namespace

Status ConfigErrorAt(const std::string& file, const YAML::Mark& mark, std::string_view reason) {
  std::string where = file;
  if (!mark.is_null()) {
    where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  return Status::InvalidArgument(where + ": " + std::string(reason));
}

Status CheckYamlDocument(const YAML::Node& node, const std::string& file, uint64_t cap,
                         uint64_t first_line) {
  DocumentChecker checker(file, cap, first_line);
  return checker.Count(node).status();
}

Result<YAML::Node> LoadYamlFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadConfigFile(path);
  if (!text.ok()) {
    return Status::InvalidArgument(path.string() +
                                   ": cannot read file: " + text.status().message());
  }
  ARBITER_RETURN_IF_ERROR(CheckUtf8(*text, path.string()));
  YAML::Node node;
  try {
    node = YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    return ConfigErrorAt(path.string(), e.mark, Explained(e.msg));
  }
  if (!node.IsMap()) {
    return ConfigErrorAt(path.string(), node.Mark(), "expected a mapping of keys to values");
  }
  ARBITER_RETURN_IF_ERROR(CheckYamlDocument(node, path.string()));
  ARBITER_RETURN_IF_ERROR(SubstituteEnvInYaml(node, path.string(), ProcessEnv()));
  return node;
}

Status CheckKeys(const YAML::Node& node, const std::string& file,
                 const std::vector<std::string_view>& allowed) {
  for (const auto& item : node) {
    const std::string& key = item.first.Scalar();
    bool known = false;
    for (std::string_view name : allowed) known = known || key == name;
    if (known) continue;
    std::string list;
    for (std::string_view name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
    return ConfigErrorAt(file, item.first.Mark(), "unknown key '" + key + "'; expected " + list);
  }
  return Status::OK();
}

template <typename T>
Result<T> ReadScalar(const YAML::Node& node, const std::string& file, std::string_view what) {
  T value{};
  if (!node.IsScalar() || !YAML::convert<T>::decode(node, value)) {
    return ConfigErrorAt(file, node.Mark(), std::string(what));
  }
  return value;
}

template Result<std::string> ReadScalar<std::string>(const YAML::Node&, const std::string&,
                                                     std::string_view);
template Result<double> ReadScalar<double>(const YAML::Node&, const std::string&, std::string_view);
template Result<long> ReadScalar<long>(const YAML::Node&, const std::string&, std::string_view);

}  // namespace arbiter
