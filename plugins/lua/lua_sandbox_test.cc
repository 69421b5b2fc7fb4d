// Every way out of the sandbox is closed, and globals are frozen once the top level has run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugins/lua/lua_test_util.h"

namespace arbiter {
namespace {

using lua_test::Create;
using lua_test::ErrorOf;
using lua_test::RunLua;
using ::testing::HasSubstr;

constexpr char kTrace[] = R"({"trace_id": "t-1", "output": "hello"})";

// The error row of a script whose evaluate runs `statement` on line 2.
std::string Attempt(const std::string& statement) {
  return ErrorOf(
      RunLua("function evaluate(trace)\n  " + statement + "\n  return 1\nend\n", kTrace));
}

TEST(LuaSandboxTest, NoIo) {
  EXPECT_EQ(Attempt("io.open('/etc/passwd')"),
            "source:2: 'io' is not available in rules (the sandbox has no files, processes, "
            "network, randomness or code loading)");
}

TEST(LuaSandboxTest, NoOsExecute) {
  EXPECT_EQ(Attempt("os.execute('touch /tmp/pwned')"),
            "source:2: 'os.execute' is not available in rules (the sandbox has no files, "
            "processes, network, randomness or code loading)");
}

TEST(LuaSandboxTest, NoOsGetenv) {
  EXPECT_EQ(Attempt("local home = os.getenv('HOME')"),
            "source:2: 'os.getenv' is not available in rules (the sandbox has no files, processes, "
            "network, randomness or code loading)");
}

TEST(LuaSandboxTest, OnlyTimeAndClockInOs) {
  Result<Score> score = RunLua(
      "function evaluate(trace)\n"
      "  local names = {}\n"
      "  for k in pairs(os) do names[#names + 1] = k end\n"
      "  table.sort(names)\n"
      "  return {score = os.time() > 0 and os.clock() >= 0 and 1 or 0, reason = "
      "table.concat(names, ',')}\n"
      "end\n",
      kTrace);
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->value, 1.0);
  EXPECT_EQ(score->reason, "clock,time");
}

TEST(LuaSandboxTest, NoRequire) {
  EXPECT_EQ(Attempt("require('os')"),
            "source:2: 'require' is not available in rules (the sandbox has no files, processes, "
            "network, randomness or code loading)");
}

TEST(LuaSandboxTest, NoPackage) {
  EXPECT_EQ(Attempt("package.loadlib('libc.so.6', 'system')"),
            "source:2: 'package' is not available in rules (the sandbox has no files, processes, "
            "network, randomness or code loading)");
}

TEST(LuaSandboxTest, NoLoadOfBytecodeOrText) {
  EXPECT_EQ(Attempt("load('\\27Lua')"),
            "source:2: 'load' is not available in rules (the sandbox has no files, processes, "
            "network, randomness or code loading)");
  EXPECT_EQ(Attempt("loadstring('return 1')"),
            "source:2: 'loadstring' is not available in rules (the sandbox has no files, "
            "processes, network, randomness or code loading)");
}

TEST(LuaSandboxTest, NoStringDump) {
  EXPECT_EQ(Attempt("string.dump(evaluate)"),
            "source:2: 'string.dump' is not available in rules (the sandbox has no files, "
            "processes, network, randomness or code loading)");
  EXPECT_EQ(Attempt("('x').dump(evaluate)"),
            "source:2: 'string.dump' is not available in rules (the sandbox has no files, "
            "processes, network, randomness or code loading)");
}

TEST(LuaSandboxTest, NoDofile) {
  EXPECT_EQ(Attempt("dofile('/etc/passwd')"),
            "source:2: 'dofile' is not available in rules (the sandbox has no files, processes, "
            "network, randomness or code loading)");
}

TEST(LuaSandboxTest, NoLoadfile) {
  EXPECT_EQ(Attempt("loadfile('/etc/passwd')"),
            "source:2: 'loadfile' is not available in rules (the sandbox has no files, processes, "
            "network, randomness or code loading)");
}

TEST(LuaSandboxTest, NoDebug) {
  EXPECT_EQ(Attempt("debug.getregistry()"),
            "source:2: 'debug' is not available in rules (the sandbox has no files, processes, "
            "network, randomness or code loading)");
}

TEST(LuaSandboxTest, NoCollectgarbage) {
  EXPECT_EQ(Attempt("collectgarbage('count')"),
            "source:2: 'collectgarbage' is not available in rules (the sandbox has no files, "
            "processes, network, randomness or code loading)");
}

TEST(LuaSandboxTest, NoRandomNumbers) {
  EXPECT_EQ(Attempt("math.random()"),
            "source:2: 'math.random' is not available in rules (the sandbox has no files, "
            "processes, network, randomness or code loading)");
  EXPECT_EQ(Attempt("math.randomseed(1)"),
            "source:2: 'math.randomseed' is not available in rules (the sandbox has no files, "
            "processes, network, randomness or code loading)");
}

TEST(LuaSandboxTest, NoGlobalTableOrCoroutines) {
  EXPECT_EQ(Attempt("_G.x = 1"),
            "source:2: '_G' is not available in rules (the sandbox has no files, processes, "
            "network, randomness or code loading)");
  EXPECT_EQ(Attempt("coroutine.wrap(print)"),
            "source:2: 'coroutine' is not available in rules (the sandbox has no files, processes, "
            "network, randomness or code loading)");
  EXPECT_EQ(Attempt("print('hi')"),
            "source:2: 'print' is not available in rules (the sandbox has no files, processes, "
            "network, randomness or code loading)");
}

TEST(LuaSandboxTest, OtherMissingNamesAreStillNil) {
  Result<Score> score = RunLua(
      "function evaluate(trace)\n"
      "  return undefined_name == nil and string.nothing == nil and os.nothing == nil\n"
      "end\n",
      kTrace);
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->value, 1.0);
}

TEST(LuaSandboxTest, StringMetatableIsLocked) {
  EXPECT_EQ(Attempt("local d = getmetatable('').__index.dump"),
            "source:2: attempt to index a boolean value");
  EXPECT_EQ(Attempt("setmetatable('', {})"),
            "source:2: bad argument #1 to 'setmetatable' (table expected, got string)");
  // String methods still work through the locked metatable.
  Result<Score> score = RunLua(
      "function evaluate(trace) return {score = 1, reason = trace.output:upper():rep(2, '-')} end",
      kTrace);
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->reason, "HELLO-HELLO");
}

TEST(LuaSandboxTest, LibraryTablesAreReadOnly) {
  EXPECT_EQ(Attempt("string.upper = nil"),
            "source:2: cannot assign to 'string.upper': library tables are read-only");
  EXPECT_EQ(Attempt("math.pi = 3"),
            "source:2: cannot assign to 'math.pi': library tables are read-only");
  EXPECT_EQ(Attempt("setmetatable(table, nil)"), "source:2: cannot change a protected metatable");
  EXPECT_EQ(Attempt("getmetatable(string).__index.upper = nil"),
            "source:2: attempt to index a boolean value");
}

TEST(LuaSandboxTest, TopLevelMayExtendLibrariesBeforeTheFreeze) {
  Result<Score> score = RunLua(
      "function string.shout(s) return s:upper() .. '!' end\n"
      "function evaluate(trace) return {score = 1, reason = trace.output:shout()} end\n",
      kTrace);
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->reason, "HELLO!");
}

TEST(LuaSandboxTest, GlobalsAreFrozenAtEvaluateTime) {
  EXPECT_EQ(Attempt("counter = 1"),
            "source:2: cannot assign to global 'counter': globals are read-only at evaluate time");
  // Overwriting an existing global is refused as well, even through a saved _ENV.
  EXPECT_EQ(ErrorOf(RunLua("LIMIT = 3\nlocal env = _ENV\n"
                           "function evaluate(trace)\n  env.LIMIT = 4\n  return 1\nend\n",
                           kTrace)),
            "source:4: cannot assign to global 'LIMIT': globals are read-only at evaluate time");
  EXPECT_EQ(Attempt("rawset(_ENV, 'x', 1)"),
            "source:2: attempt to call a nil value (global 'rawset')");
  EXPECT_EQ(Attempt("setmetatable(_ENV, nil)"), "source:2: cannot change a protected metatable");
}

TEST(LuaSandboxTest, FrozenGlobalsStillReadAndIterate) {
  Result<Score> score = RunLua(
      "WORDS = {'refund', 'hello'}\n"
      "local function has(text, word) return text:find(word, 1, true) ~= nil end\n"
      "function evaluate(trace)\n"
      "  local n = 0\n"
      "  for k in pairs(_ENV) do if k == 'WORDS' or k == 'evaluate' then n = n + 1 end end\n"
      "  for _, w in ipairs(WORDS) do if has(trace.output, w) then\n"
      "    return {score = 1, reason = w .. ' ' .. n}\n"
      "  end end\n"
      "  return 0\n"
      "end\n",
      kTrace);
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->reason, "hello 2");
}

TEST(LuaSandboxTest, NoFinalizersOrWeakTables) {
  EXPECT_EQ(Attempt("setmetatable({}, {__gc = function() end})"),
            "source:2: setmetatable: __gc is not allowed (a score must not depend on when the "
            "garbage collector runs)");
  EXPECT_EQ(Attempt("setmetatable({}, {__mode = 'k'})"),
            "source:2: setmetatable: __mode is not allowed (a score must not depend on when the "
            "garbage collector runs)");
}

TEST(LuaSandboxTest, XpcallRunsItsHandlerAfterUnwinding) {
  Result<Score> score = RunLua(
      "function evaluate(trace)\n"
      "  local ok, a, b = xpcall(function(x, y) return x + y, 'sum' end, error, 1, 2)\n"
      "  local bad, msg = xpcall(function() error('inner', 0) end,\n"
      "                          function(e) return 'handled ' .. e end)\n"
      "  local worse, why = xpcall(error, function(e) error('again', 0) end, 'x')\n"
      "  return {score = 1, reason = table.concat({tostring(ok), a, b, tostring(bad), msg,\n"
      "                                            tostring(worse), why}, ' ')}\n"
      "end\n",
      kTrace);
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->reason, "true 3 sum false handled inner false again");
}

TEST(LuaSandboxTest, OnlyTheListedBaseFunctions) {
  Result<Score> score = RunLua(
      "function evaluate(trace)\n"
      "  local names = {}\n"
      "  for k in pairs(_ENV) do names[#names + 1] = k end\n"
      "  table.sort(names)\n"
      "  return {score = 1, reason = table.concat(names, ' ')}\n"
      "end\n",
      kTrace);
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->reason,
            "assert error evaluate getmetatable ipairs math next os pairs pcall rawequal rawget "
            "rawlen select setmetatable string table tonumber tostring type utf8 xpcall");
}

}  // namespace
}  // namespace arbiter
