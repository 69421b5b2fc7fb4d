// What the fuzz targets share: the input written to a file of the process's own, for the parsers
// that read files (the same code path as a user's file, line reader and all).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace arbiter::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A folder under the system temp folder named after the process, created once.
inline const std::filesystem::path& ScratchDir() {
  static const std::filesystem::path dir = [] {
    auto path =
        std::filesystem::temp_directory_path() / ("arbiter-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

// Writes `text` to ScratchDir()/name (replacing it) and returns the path.
inline std::filesystem::path WriteScratch(const std::string& name, std::string_view text) {
  std::filesystem::path path = ScratchDir() / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  return path;
}

// The input split at the first occurrence of `separator`: two documents from one input (a
// manifest and its labels, a chunk and a trace). Without it, all of it is the first part.
inline std::pair<std::string_view, std::string_view> SplitAt(std::string_view text,
                                                             std::string_view separator) {
  size_t at = text.find(separator);
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + separator.size())};
}

// A trace the targets evaluate what they parsed against: every field kind a condition, a path
// or a script can reach. Parsed once; the parser lives as long as the process.
inline simdjson::dom::element FixedTrace() {
  static simdjson::dom::parser parser;
  static const simdjson::dom::element trace =
      parser
          .parse(simdjson::padded_string(std::string_view(
              R"({"trace_id":"t","input":"hi","output":"ok [1]",)"
              R"("metadata":{"intent":"refund","n":3,"x":null},)"
              R"("tool_calls":[{"name":"lookup","arguments":{"id":1}}],)"
              R"("retrieved_documents":[{"id":"1","text":"doc"}],"usage":{"total_tokens":9}})")))
          .value();
  return trace;
}

}  // namespace arbiter::fuzz
