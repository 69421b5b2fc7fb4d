#include "tests/layering/layering.h"

#include <fstream>
#include <regex>
#include <sstream>

namespace arbiter::layering {
namespace {

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IsTestFile(const std::string& file) {
  return EndsWith(file, "_test.cc") || EndsWith(file, "_test_util.h") ||
         EndsWith(file, "_perftest.cc");
}

// The path component after `prefix` ("runner/cli/cmd_run.cc", "runner/" -> "cli"); empty when
// `path` does not start with `prefix` or has no folder there.
std::string FolderAfter(const std::string& path, const std::string& prefix) {
  if (!StartsWith(path, prefix)) return "";
  size_t slash = path.find('/', prefix.size());
  return slash == std::string::npos ? "" : path.substr(prefix.size(), slash - prefix.size());
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string WithoutCmakeComments(const std::string& text) {
  return std::regex_replace(text, std::regex("#[^\n]*"), "");
}

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::optional<std::string> RunnerIncludeViolation(const Layers& layers, const std::string& file,
                                                  const std::string& header) {
  if (file == "runner/main.cc") {
    if (StartsWith(header, "runner/cli/")) return std::nullopt;
    return "runner/main.cc includes only runner/cli/";
  }
  std::string own = FolderAfter(file, "runner/");
  std::optional<size_t> own_index = layers.Index(own);
  if (!own_index) return "'" + own + "' is not a layer in runner/CMakeLists.txt";
  if (StartsWith(header, "runner/")) {
    std::string theirs = FolderAfter(header, "runner/");
    std::optional<size_t> their_index = layers.Index(theirs);
    if (!their_index) return "'" + theirs + "' is not a layer in runner/CMakeLists.txt";
    if (*their_index > *own_index) {
      return "runner/" + own + "/ may not include runner/" + theirs + "/, a later layer";
    }
    return std::nullopt;
  }
  if (StartsWith(header, "plugins/sdk/") && *own_index >= *layers.Index("plugin_host")) {
    return std::nullopt;
  }
  if (header == "plugins/register_builtins.h" && (own == "cli" || IsTestFile(file))) {
    return std::nullopt;
  }
  if (StartsWith(header, "plugins/")) {
    return "runner/" + own + "/ may not include a plugin's header (the host never depends on one)";
  }
  return "unexpected include root";
}

std::optional<std::string> PluginIncludeViolation(const std::string& file,
                                                  const std::string& header) {
  if (StartsWith(header, "runner/base/") || StartsWith(header, "runner/plugin_api/")) {
    return std::nullopt;
  }
  bool registry = StartsWith(file, "plugins/register_builtins.");
  if (registry && StartsWith(header, "plugins/")) return std::nullopt;
  std::string own = FolderAfter(file, "plugins/");
  if (!own.empty() && StartsWith(header, "plugins/" + own + "/")) return std::nullopt;
  if (IsTestFile(file) && header == "plugins/register_builtins.h") return std::nullopt;
  return "a plugin includes only the plugin API (runner/base/, runner/plugin_api/) and its own "
         "folder";
}

}  // namespace

std::optional<size_t> Layers::Index(const std::string& folder) const {
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i] == folder) return i;
  }
  return std::nullopt;
}

Layers ReadLayers(const std::filesystem::path& runner_cmake) {
  std::string text = WithoutCmakeComments(ReadText(runner_cmake));
  std::smatch match;
  Layers layers;
  if (std::regex_search(text, match, std::regex(R"(set\(layers\s+([^)]*)\))"))) {
    layers.order = Words(match[1].str());
  }
  return layers;
}

std::optional<std::string> IncludeViolation(const Layers& layers, const std::string& file,
                                            const std::string& header) {
  // Headers of the same folder written without a path, and the SDK's own include directory.
  if (header.find('/') == std::string::npos) return std::nullopt;
  if (IsTestFile(file) && StartsWith(header, "tests/")) return std::nullopt;
  if (StartsWith(file, "runner/")) return RunnerIncludeViolation(layers, file, header);
  if (StartsWith(file, "plugins/sdk/") || StartsWith(file, "plugins/examples/")) {
    // External plugins see the SDK and their own files only.
    if (StartsWith(header, "runner/")) return "an external plugin may not include the host";
    return std::nullopt;
  }
  if (StartsWith(file, "plugins/")) return PluginIncludeViolation(file, header);
  return std::nullopt;
}

std::optional<std::string> LinkViolation(const Layers& layers, const std::string& folder,
                                         const std::string& library) {
  if (StartsWith(folder, "plugins/")) {
    std::string own = "arbiter_plugin_" + folder.substr(std::string("plugins/").size());
    if (library == own || library == "arbiter_plugin_api" || library == "arbiter_base") {
      return std::nullopt;
    }
    return folder + " links " + library + ": a plugin links the plugin API only";
  }
  std::optional<size_t> own_index = layers.Index(folder);
  if (!own_index) return "'" + folder + "' is not a layer";
  if (library == "arbiter_plugin_sdk" && *own_index >= *layers.Index("plugin_host")) {
    return std::nullopt;
  }
  if (library == "arbiter_plugins" && folder == "cli") return std::nullopt;
  if (!StartsWith(library, "arbiter_")) return std::nullopt;
  std::optional<size_t> their_index = layers.Index(library.substr(std::string("arbiter_").size()));
  if (!their_index) return "runner/" + folder + " links " + library + ", which is not a layer";
  if (*their_index >= *own_index) {
    return "runner/" + folder + " links " + library + ", not a layer before it";
  }
  return std::nullopt;
}

std::vector<std::string> QuotedIncludes(const std::string& text) {
  std::vector<std::string> headers;
  static const std::regex kInclude(R"(^\s*#\s*include\s+"([^"]+)\")");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_search(line, match, kInclude)) headers.push_back(match[1].str());
  }
  return headers;
}

std::vector<std::string> LinkedArbiterLibraries(const std::string& cmake_text) {
  std::string text = WithoutCmakeComments(cmake_text);
  std::vector<std::string> libraries;
  static const std::regex kCall(R"((arbiter_library|target_link_libraries)\s*\(([^)]*)\))");
  for (std::sregex_iterator it(text.begin(), text.end(), kCall), end; it != end; ++it) {
    std::vector<std::string> words = Words((*it)[2].str());
    if (words.empty()) continue;
    const std::string& target = words.front();
    // A test or tool target of the folder is not the folder's library.
    if (EndsWith(target, "_test") || EndsWith(target, "_perftest")) continue;
    bool deps_only = (*it)[1].str() == "arbiter_library";
    bool in_deps = !deps_only;
    for (size_t i = 1; i < words.size(); ++i) {
      const std::string& word = words[i];
      if (deps_only && (word == "DEPS" || word == "SOURCES" || word == "LIBS")) {
        in_deps = word == "DEPS";
        continue;
      }
      if (in_deps && StartsWith(word, "arbiter_") && word != target) libraries.push_back(word);
    }
  }
  return libraries;
}

}  // namespace arbiter::layering
