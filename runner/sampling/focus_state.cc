#include "runner/sampling/focus_state.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runner/base/atomic_file.h"
#include "runner/base/path_checks.h"

namespace arbiter {

uint64_t FocusState::Collected(const FocusRule& rule) const {
  auto it = rules.find(rule.name);
  if (it == rules.end() || it->second.when != rule.when.text()) return 0;
  return it->second.collected;
}

FocusState FocusState::ForWindow(uint64_t start_ms) const {
  if (window_ms == 0 || window_ms != start_ms) return *this;
  FocusState earlier;
  earlier.rules = before_window;
  return earlier;
}

void FocusState::Add(const FocusRule& rule, uint64_t taken) {
  Rule& state = rules[rule.name];
  if (state.when != rule.when.text()) state = Rule{rule.when.text(), 0};
  state.collected += taken;
}

std::filesystem::path DefaultFocusStatePath(const std::filesystem::path& policy) {
  std::filesystem::path path = policy;
  path.replace_extension(".focus-state.json");
  return path;
}

namespace {

Status ReadRules(const nlohmann::json& rules, const std::string& bad,
                 std::map<std::string, FocusState::Rule>& out) {
  for (const auto& [name, rule] : rules.items()) {
    if (!rule.is_object() || !rule.contains("when") || !rule["when"].is_string() ||
        !rule.contains("collected") || !rule["collected"].is_number_unsigned()) {
      return Status::InvalidArgument(bad + ": rule '" + name + "'");
    }
    out[name] =
        FocusState::Rule{rule["when"].get<std::string>(), rule["collected"].get<uint64_t>()};
  }
  return Status::OK();
}

nlohmann::ordered_json RulesJson(const std::map<std::string, FocusState::Rule>& rules) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  for (const auto& [name, rule] : rules) {
    json[name] = {{"when", rule.when}, {"collected", rule.collected}};
  }
  return json;
}

}  // namespace

Result<FocusState> LoadFocusState(const std::filesystem::path& path) {
  FocusState state;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!PathExists(path)) return state;
    return Status::InvalidArgument(path.string() + ": cannot read the focus state");
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, false);
  const std::string bad = path.string() + ": not a focus state file (delete it to start over)";
  if (json.is_discarded() || !json.is_object() || !json.contains("rules") ||
      !json["rules"].is_object()) {
    return Status::InvalidArgument(bad);
  }
  ARBITER_RETURN_IF_ERROR(ReadRules(json["rules"], bad, state.rules));
  if (json.contains("window_ms")) {
    if (!json["window_ms"].is_number_unsigned() || !json.contains("before_window") ||
        !json["before_window"].is_object()) {
      return Status::InvalidArgument(bad + ": window_ms");
    }
    state.window_ms = json["window_ms"].get<uint64_t>();
    ARBITER_RETURN_IF_ERROR(ReadRules(json["before_window"], bad, state.before_window));
  }
  return state;
}

Status SaveFocusState(const std::filesystem::path& path, const FocusState& state) {
  nlohmann::ordered_json json;
  json["rules"] = RulesJson(state.rules);
  if (state.window_ms != 0) {
    json["window_ms"] = state.window_ms;
    json["before_window"] = RulesJson(state.before_window);
  }
  return WriteFileAtomic(path, json.dump(2) + "\n");
}

}  // namespace arbiter
