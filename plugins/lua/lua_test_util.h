// Helpers for the lua plugin's tests: an evaluator from inline Lua source, one call on a trace.
#pragma once

#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "plugins/lua/lua_plugin.h"
#include "tests/test_util.h"

namespace arbiter::lua_test {

// A declaration with `source` as an inline block (Lua line N is YAML line N + 2) and any
// `extra` params lines ("  max_instructions: 1000\n").
inline std::string SourceYaml(const std::string& source, const std::string& extra = "") {
  std::string yaml = "plugin: lua\nparams:\n  source: |\n";
  std::istringstream lines(source);
  for (std::string line; std::getline(lines, line);) yaml += "    " + line + "\n";
  return yaml + extra;
}

inline Result<std::unique_ptr<Evaluator>> Create(const std::string& source,
                                                 const std::string& extra = "") {
  return LuaPlugin().create(testing::SpecFromYaml(SourceYaml(source, extra)));
}

// Creates the evaluator (the test fails if that errs) and scores one trace on worker 0.
inline Result<Score> RunLua(const std::string& source, const std::string& trace_json,
                            const std::string& extra = "") {
  auto evaluator = Create(source, extra);
  if (!evaluator.ok()) {
    ADD_FAILURE() << "create failed: " << evaluator.status().ToString();
    return evaluator.status();
  }
  testing::ParsedTrace trace(trace_json);
  return (*evaluator)->Evaluate(trace, EvalContext{});
}

// The message of an error row; "" (and a test failure) when the call succeeded.
inline std::string ErrorOf(const Result<Score>& result) {
  if (result.ok()) {
    ADD_FAILURE() << "expected an error, got score " << result->value << " (" << result->reason
                  << ")";
    return "";
  }
  return result.status().message();
}

}  // namespace arbiter::lua_test
