// The layer rules of the source tree (docs/ARCHITECTURE.md), as a checker the layering test runs
// over every file: which folder may include and link which.
//
// - runner/<layer>/ includes runner/ headers of its own layer or of layers before it in the order
//   runner/CMakeLists.txt gives, and nothing under plugins/, but for runner/plugin_host/ and later
//   the public ABI (plugins/sdk/) and for runner/cli/ plugins/register_builtins.h.
// - plugins/<name>/ includes its own folder, runner/base/ and runner/plugin_api/ only (the plugin
//   API); plugins/register_builtins.* also includes the plugin folders.
// - Tests (`*_test.cc`, `*_test_util.h`, `*_perftest.cc`) may also include tests/ helpers and use the built-in
//   plugins as fixtures (plugins/register_builtins.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace arbiter::layering {

struct Layers {
  std::vector<std::string> order;  // runner's folders, first to last
  // The position of `folder` in the order; nullopt when it is not a layer.
  std::optional<size_t> Index(const std::string& folder) const;
};

// The `set(layers ...)` list of runner/CMakeLists.txt.
Layers ReadLayers(const std::filesystem::path& runner_cmake);

// Why `file` (a path relative to the repository root) may not include `header` (as written in
// its #include "..."); nullopt when it may.
std::optional<std::string> IncludeViolation(const Layers& layers, const std::string& file,
                                            const std::string& header);

// Why the CMake library of `folder` (a runner layer, or "plugins/<name>") may not link the
// arbiter library `library` (e.g. "arbiter_gate"); nullopt when it may.
std::optional<std::string> LinkViolation(const Layers& layers, const std::string& folder,
                                         const std::string& library);

// The quoted #include targets of a source file's text.
std::vector<std::string> QuotedIncludes(const std::string& text);

// The arbiter libraries a CMakeLists.txt links into its own libraries (the DEPS of
// arbiter_library, the arguments of target_link_libraries of a non-test target).
std::vector<std::string> LinkedArbiterLibraries(const std::string& cmake_text);

}  // namespace arbiter::layering
