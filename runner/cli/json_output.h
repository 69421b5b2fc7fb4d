// What `--json` prints, the same on every command: one indented JSON document on stdout, and a
// figure that may be undefined (a kappa without two reviewers) as null, never NaN.
#pragma once

#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

namespace arbiter {

inline void PrintJsonDocument(const nlohmann::ordered_json& document) {
  std::printf("%s\n", document.dump(2).c_str());
}

inline nlohmann::ordered_json NumberOrNull(const std::optional<double>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

}  // namespace arbiter
