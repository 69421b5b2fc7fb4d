// Loading YAML configuration files with errors as values: yaml-cpp throws, so its exceptions
// stop here and become "file:line:column: reason".
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "runner/base/status.h"

namespace arbiter {

// "file:line:column: reason" from a yaml-cpp mark (0-based line/column become 1-based).
Status ConfigErrorAt(const std::string& file, const YAML::Mark& mark, std::string_view reason);

// The most nodes a configuration document may hold once its aliases are expanded. A few kilobytes
// of nested aliases ("billion laughs") otherwise expand to billions of nodes in every pass that
// walks the tree (JSON conversion of an inline schema, fingerprints).
inline constexpr uint64_t kMaxYamlExpandedNodes = 1'000'000;

// Identity of the node behind `node`: an alias and its anchor give the same value. yaml-cpp has
// no public node id; the address of a node's scalar storage is unique to it and stable while the
// document lives (assigning a new scalar changes the text in place).
inline const void* YamlNodeIdentity(const YAML::Node& node) { return &node.Scalar(); }

// Checks a parsed document before anything walks it, each distinct node once:
//   - its size as if every alias were expanded: past `cap`, or an alias inside its own anchor
//     (`&a [*a]`), is an error;
//   - every string (keys too) is valid UTF-8. The file was checked (CheckUtf8), but yaml-cpp
//     turns the escapes `\N` and `\_` of a double-quoted string into the single bytes 0x85 and
//     0xA0, which are not UTF-8, and the JSON that arbiter writes from the string (fingerprints,
//     judge requests) cannot hold them.
// Errors are at the node's file:line:column; `first_line` is the file's line where the document
// starts (a rubric's front matter starts on line 2).
Status CheckYamlDocument(const YAML::Node& node, const std::string& file,
                         uint64_t cap = kMaxYamlExpandedNodes, uint64_t first_line = 1);

// The document in `path`, with `${NAME}` references substituted from `env`. A missing file,
// a syntax error or an unset variable is an InvalidArgument naming the file (and line:column).
Result<YAML::Node> LoadYamlFile(const std::filesystem::path& path);

// Rejects keys of the mapping `node` outside `allowed` ("unknown key 'pas_threshold'"), since a
// typo would otherwise silently fall back to a default.
Status CheckKeys(const YAML::Node& node, const std::string& file,
                 const std::vector<std::string_view>& allowed);

// A scalar read as T, or an error at the node's mark naming `what`.
template <typename T>
Result<T> ReadScalar(const YAML::Node& node, const std::string& file, std::string_view what);

}  // namespace arbiter
