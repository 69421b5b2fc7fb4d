// The lua plugin's contract: params, return forms, error rows, configuration errors.
#include "plugins/lua/lua_plugin.h"

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plugins/lua/lua_test_util.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using lua_test::Create;
using lua_test::ErrorOf;
using lua_test::RunLua;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kTrace[] = R"({"trace_id": "t-1", "output": "see [doc1]"})";

// Scores kTrace with `function evaluate(trace) return <expression> end`.
Result<Score> Returning(const std::string& expression) {
  return RunLua("function evaluate(trace)\n  return " + expression + "\nend\n", kTrace);
}

TEST(LuaPluginTest, Registration) {
  PluginInfo info = LuaPlugin();
  EXPECT_EQ(info.name, "lua");
  EXPECT_EQ(info.version, 1);
  EXPECT_FALSE(info.requires_target);
  nlohmann::json schema = nlohmann::json::parse(info.params_schema);
  EXPECT_EQ(schema["properties"]["max_instructions"]["default"], 1000000);
  EXPECT_EQ(schema["properties"]["max_memory_mb"]["default"], 64);
  EXPECT_EQ(schema["additionalProperties"], false);
}

TEST(LuaPluginTest, NumberIsTheScore) {
  Result<Score> score = Returning("0.25");
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->value, 0.25);
  EXPECT_EQ(score->reason, "");
  Result<Score> integer = Returning("1");
  ASSERT_TRUE(integer.ok());
  EXPECT_EQ(integer->value, 1.0);
}

TEST(LuaPluginTest, BooleanIsOneOrZero) {
  Result<Score> yes = Returning("true");
  ASSERT_TRUE(yes.ok());
  EXPECT_EQ(yes->value, 1.0);
  Result<Score> no = Returning("false");
  ASSERT_TRUE(no.ok());
  EXPECT_EQ(no->value, 0.0);
}

TEST(LuaPluginTest, TableGivesScoreAndReason) {
  Result<Score> half =
      Returning("{score = 0.5, reason = 'cites ' .. trace.output:match('%[(.-)%]')}");
  ASSERT_TRUE(half.ok()) << half.status().ToString();
  EXPECT_EQ(half->value, 0.5);
  EXPECT_EQ(half->reason, "cites doc1");
  Result<Score> boolean = Returning("{score = false}");
  ASSERT_TRUE(boolean.ok());
  EXPECT_EQ(boolean->value, 0.0);
  EXPECT_EQ(boolean->reason, "");
}

TEST(LuaPluginTest, OutOfRangeScoresAreLeftToTheHost) {
  Result<Score> score = Returning("7");
  ASSERT_TRUE(score.ok());
  EXPECT_EQ(score->value, 7.0);
}

TEST(LuaPluginTest, OtherReturnValuesAreErrorsNamingThem) {
  const std::string expected = "expected a number, a boolean or {score=..., reason=...}";
  EXPECT_EQ(ErrorOf(Returning("nil")), "evaluate returned nil; " + expected);
  EXPECT_EQ(ErrorOf(Returning("'0.5'")), "evaluate returned a string; " + expected);
  EXPECT_EQ(ErrorOf(Returning("undefined_global")), "evaluate returned nil; " + expected);
  EXPECT_EQ(ErrorOf(Returning("evaluate")), "evaluate returned a function; " + expected);
  EXPECT_EQ(ErrorOf(Returning("{reason = 'no score'}")),
            "evaluate returned a table without score; " + expected);
  EXPECT_EQ(ErrorOf(Returning("{score = '1'}")),
            "evaluate returned a table whose score is a string; expected a number or a boolean");
  EXPECT_EQ(ErrorOf(Returning("{score = 1, reason = 2}")),
            "evaluate returned a table whose reason is a number; expected a string");
  EXPECT_EQ(ErrorOf(Returning("0/0")), "evaluate returned NaN");
  EXPECT_EQ(ErrorOf(Returning("{score = -1/0}")), "evaluate returned -inf");
}

TEST(LuaPluginTest, ErrorCallsBecomeErrorRowsWithTheirMessage) {
  EXPECT_EQ(
      ErrorOf(RunLua("function evaluate(trace)\n  error('no citation found')\nend\n", kTrace)),
      "source:2: no citation found");
  EXPECT_EQ(ErrorOf(RunLua("function evaluate(trace) error('bare', 0) end", kTrace)), "bare");
  EXPECT_EQ(ErrorOf(RunLua("function evaluate(trace) error(42) end", kTrace)), "42");
  EXPECT_EQ(ErrorOf(RunLua("function evaluate(trace) error({code = 7}) end", kTrace)),
            "(error object is a table value)");
  EXPECT_EQ(ErrorOf(RunLua("function evaluate(trace) error() end", kTrace)),
            "(error object is a nil value)");
  EXPECT_EQ(ErrorOf(RunLua(
                "local E = setmetatable({}, {__tostring = function() return 'bad input' end})\n"
                "function evaluate(trace) error(E) end\n",
                kTrace)),
            "bad input");
}

TEST(LuaPluginTest, RuntimeErrorsKeepLuasPosition) {
  EXPECT_EQ(
      ErrorOf(RunLua("function evaluate(trace)\n\n  return trace.metadata.intent == 'x'\nend\n",
                     kTrace)),
      "source:3: attempt to index a nil value (field 'metadata')");
}

// A scratch folder with an evaluator YAML in evaluators/ and its scripts in evaluators/lua/.
class LuaScriptFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("lua_plugin_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "evaluators" / "lua");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(dir_ / "evaluators" / relative, std::ios::binary) << text;
  }
  std::string yaml_file() const { return (dir_ / "evaluators" / "check.yaml").string(); }
  Result<std::unique_ptr<Evaluator>> CreateWith(const std::string& yaml) {
    return LuaPlugin().create(testing::SpecFromYaml(yaml, yaml_file()));
  }

  std::filesystem::path dir_;
};

TEST_F(LuaScriptFileTest, ScriptIsReadRelativeToTheYamlFile) {
  Write("lua/grounded.lua",
        "local wanted = 'doc1'\n"
        "function evaluate(trace)\n"
        "  if not trace.output:find(wanted, 1, true) then error('no ' .. wanted) end\n"
        "  return {score = 1, reason = 'found ' .. wanted}\n"
        "end\n");
  auto evaluator = CreateWith("plugin: lua\nparams: {script: lua/grounded.lua}\n");
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  testing::ParsedTrace hit(kTrace);
  Result<Score> score = (*evaluator)->Evaluate(hit, EvalContext{});
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->value, 1.0);
  EXPECT_EQ(score->reason, "found doc1");
  testing::ParsedTrace miss(R"({"trace_id": "t-2", "output": "nothing"})");
  EXPECT_EQ(ErrorOf((*evaluator)->Evaluate(miss, EvalContext{})), "lua/grounded.lua:3: no doc1");
}

TEST_F(LuaScriptFileTest, SyntaxErrorIsAConfigErrorAtTheParamWithTheLuaLine) {
  Write("lua/bad.lua", "function evaluate(trace)\n  return 1 +\nend\n");
  auto evaluator = CreateWith("id: bad\nplugin: lua\nparams: {script: lua/bad.lua}\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(evaluator.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(evaluator.status().message(), yaml_file() +
                                              ":3:18: Lua script 'lua/bad.lua' does not load: "
                                              "lua/bad.lua:3: unexpected symbol near 'end'");
}

TEST_F(LuaScriptFileTest, MissingFileIsAConfigError) {
  auto evaluator = CreateWith("plugin: lua\nparams:\n  script: lua/none.lua\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(evaluator.status().message(), yaml_file() + ":3:11: cannot read Lua script '" +
                                              (dir_ / "evaluators" / "lua" / "none.lua").string() +
                                              "': No such file or directory");
}

TEST_F(LuaScriptFileTest, PrecompiledBytecodeIsRefused) {
  Write("lua/compiled.lua", std::string("\x1bLua\x54\x00\x19\x93\r\n\x1a\n", 12));
  auto evaluator = CreateWith("plugin: lua\nparams: {script: lua/compiled.lua}\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(evaluator.status().message(), yaml_file() +
                                              ":2:18: Lua script 'lua/compiled.lua' does not load: "
                                              "attempt to load a binary chunk (mode is 't')");
}

TEST(LuaPluginTest, InlineSyntaxErrorPointsAtTheSourceParam) {
  auto evaluator = Create("function evaluate(trace)\n  return (1\nend\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(evaluator.status().message(),
            "test.yaml:3:11: Lua source does not load: source:3: ')' expected (to close '(' at "
            "line 2) near 'end'");
}

TEST(LuaPluginTest, TopLevelErrorIsAConfigError) {
  auto evaluator = Create("local limit = nil + 1\nfunction evaluate(trace) return 1 end\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(evaluator.status().message(),
            "test.yaml:3:11: Lua source: top level failed: source:1: attempt to perform "
            "arithmetic on a nil value");
}

TEST(LuaPluginTest, MissingEvaluateIsAConfigError) {
  auto missing = Create("function evalute(trace) return 1 end\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "test.yaml:3:11: Lua source: the script defines no global function 'evaluate'");
  auto local = Create("local function evaluate(trace) return 1 end\n");
  ASSERT_FALSE(local.ok());
  EXPECT_THAT(local.status().message(), HasSubstr("defines no global function 'evaluate'"));
  auto number = Create("evaluate = 1\n");
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.status().message(),
            "test.yaml:3:11: Lua source: global 'evaluate' is a number, not a function");
}

TEST(LuaPluginTest, ParamErrors) {
  auto spec = [](const std::string& yaml) {
    return LuaPlugin().create(testing::SpecFromYaml(yaml));
  };
  auto both = spec("plugin: lua\nparams: {script: a.lua, source: 'x'}\n");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().message(), "test.yaml:2:33: give either 'script' or 'source', not both");
  auto neither = spec("plugin: lua\nparams: {max_memory_mb: 8}\n");
  ASSERT_FALSE(neither.ok());
  EXPECT_EQ(neither.status().message(),
            "test.yaml:2:9: missing param 'script' (or an inline 'source')");
  auto no_params = spec("plugin: lua\n");
  ASSERT_FALSE(no_params.ok());
  EXPECT_THAT(no_params.status().message(), HasSubstr("missing param 'script'"));
  auto budget = spec("plugin: lua\nparams: {source: 'x = 1', max_instructions: 0}\n");
  ASSERT_FALSE(budget.ok());
  EXPECT_EQ(budget.status().message(),
            "test.yaml:2:45: param 'max_instructions' must be between 1 and 2147483647");
  auto memory = spec("plugin: lua\nparams: {source: 'x = 1', max_memory_mb: 100000}\n");
  ASSERT_FALSE(memory.ok());
  EXPECT_EQ(memory.status().message(),
            "test.yaml:2:42: param 'max_memory_mb' must be between 1 and 65536");
  auto unknown = spec("plugin: lua\nparams: {source: 'x = 1', max_instruction: 5}\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "test.yaml:2:27: unknown param 'max_instruction' for plugin 'lua' "
            "(did you mean 'max_instructions'?)");
}

}  // namespace
}  // namespace arbiter
