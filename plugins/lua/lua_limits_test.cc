// Limits and lifetimes: instruction budget, memory cap, stale trace proxies, worker states.
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugins/lua/lua_test_util.h"

namespace arbiter {
namespace {

using lua_test::Create;
using lua_test::ErrorOf;
using testing::ParsedTrace;

constexpr char kLoop[] = R"({"trace_id": "loop", "misbehave": true})";
constexpr char kCalm[] = R"({"trace_id": "calm", "misbehave": false})";

// An evaluator whose evaluate runs `misbehaviour` when the trace asks for it, else returns 1.
std::unique_ptr<Evaluator> Misbehaving(const std::string& misbehaviour,
                                       const std::string& extra = "") {
  auto evaluator =
      Create("function evaluate(trace)\n  if trace.misbehave then\n    " + misbehaviour +
                 "\n  end\n  return {score = 1, reason = 'calm'}\nend\n",
             extra);
  EXPECT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  return evaluator.ok() ? std::move(*evaluator) : nullptr;
}

// Scores kLoop (expecting the error `expected`), then kCalm twice on the same state.
void ExpectErrorThenRecovery(const Evaluator& evaluator, const std::string& expected) {
  ParsedTrace bad(kLoop);
  EXPECT_EQ(ErrorOf(evaluator.Evaluate(bad, EvalContext{})), expected);
  ParsedTrace good(kCalm);
  for (int i = 0; i < 2; ++i) {
    Result<Score> score = evaluator.Evaluate(good, EvalContext{});
    ASSERT_TRUE(score.ok()) << score.status().ToString();
    EXPECT_EQ(score->reason, "calm");
  }
}

TEST(LuaLimitsTest, EndlessLoopRunsOutOfBudgetAndTheStateRecovers) {
  auto evaluator = Misbehaving("while true do end");
  ASSERT_TRUE(evaluator);
  ExpectErrorThenRecovery(*evaluator, "instruction budget of 1000000 exceeded at source:3");
}

TEST(LuaLimitsTest, PcallCannotCatchItsWayPastTheBudget) {
  auto evaluator = Misbehaving("while true do pcall(function() while true do end end) end",
                               "  max_instructions: 5000\n");
  ASSERT_TRUE(evaluator);
  ExpectErrorThenRecovery(*evaluator, "instruction budget of 5000 exceeded at source:3");
}

TEST(LuaLimitsTest, XpcallHandlersCannotEither) {
  auto evaluator = Misbehaving(
      "while true do xpcall(function() while true do end end, function(e) while true do end end) "
      "end",
      "  max_instructions: 5000\n");
  ASSERT_TRUE(evaluator);
  ExpectErrorThenRecovery(*evaluator, "instruction budget of 5000 exceeded at source:3");
}

TEST(LuaLimitsTest, BudgetIsPerCall) {
  // 300 calls of ~20 instructions each would exceed a 1000-instruction budget if it were shared.
  auto evaluator = Misbehaving("error('unused')", "  max_instructions: 1000\n");
  ASSERT_TRUE(evaluator);
  ParsedTrace good(kCalm);
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(evaluator->Evaluate(good, EvalContext{}).ok());
}

TEST(LuaLimitsTest, GiantStringHitsTheMemoryCapAndTheStateRecovers) {
  auto evaluator = Misbehaving("local s = string.rep('x', 1e9)");
  ASSERT_TRUE(evaluator);
  ExpectErrorThenRecovery(*evaluator, "memory limit of 64 MB exceeded");
}

TEST(LuaLimitsTest, GrowingTableHitsTheMemoryCap) {
  auto evaluator = Misbehaving("local t = {}\n    while true do t[#t + 1] = {} end",
                               "  max_instructions: 2147483647\n  max_memory_mb: 8\n");
  ASSERT_TRUE(evaluator);
  ExpectErrorThenRecovery(*evaluator, "memory limit of 8 MB exceeded");
}

TEST(LuaLimitsTest, CaughtMemoryErrorRaisedAgainIsStillAMemoryError) {
  auto evaluator = Misbehaving("local ok, e = pcall(string.rep, 'x', 1e9)\n    error(e, 0)");
  ASSERT_TRUE(evaluator);
  ExpectErrorThenRecovery(*evaluator, "memory limit of 64 MB exceeded");
}

TEST(LuaLimitsTest, StateThatKeepsItsMemoryIsRebuilt) {
  // The upvalue keeps every string reachable, so collecting garbage cannot help.
  auto evaluator = Create(
      "local kept = {}\n"
      "function evaluate(trace)\n"
      "  if trace.misbehave then\n"
      "    while true do kept[#kept + 1] = string.rep('x', 1e6) .. #kept end\n"
      "  end\n"
      "  return {score = 1, reason = 'calm ' .. #kept}\n"
      "end\n",
      "  max_memory_mb: 16\n");
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  ParsedTrace bad(kLoop);
  EXPECT_EQ(ErrorOf((*evaluator)->Evaluate(bad, EvalContext{})), "memory limit of 16 MB exceeded");
  ParsedTrace good(kCalm);
  Result<Score> score = (*evaluator)->Evaluate(good, EvalContext{});
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  EXPECT_EQ(score->reason, "calm 0");  // a fresh state: the top level ran again
}

TEST(LuaLimitsTest, EndlessTopLevelIsAConfigError) {
  auto evaluator = Create("while true do end\nfunction evaluate(trace) return 1 end\n",
                          "  max_instructions: 1000\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(evaluator.status().message(),
            "test.yaml:3:11: Lua source: top level failed: instruction budget of 1000 exceeded "
            "at source:1");
}

TEST(LuaLimitsTest, TopLevelMemoryBombIsAConfigError) {
  auto evaluator = Create("BIG = string.rep('x', 1e9)\nfunction evaluate(trace) return 1 end\n");
  ASSERT_FALSE(evaluator.ok());
  EXPECT_EQ(evaluator.status().message(),
            "test.yaml:3:11: Lua source: top level failed: memory limit of 64 MB exceeded");
}

TEST(LuaLimitsTest, StaleTraceValuesRaiseInsteadOfReadingFreedMemory) {
  auto evaluator = Create(
      "local saved\n"
      "function evaluate(trace)\n"
      "  if saved == nil then saved = {trace, trace.metadata, trace.messages, "
      "pairs(trace.metadata)} "
      "return 0 end\n"
      "  local what = trace.use\n"
      "  if what == 1 then return saved[1].trace_id end\n"
      "  if what == 2 then return saved[2].intent end\n"
      "  if what == 3 then return #saved[3] end\n"
      "  if what == 4 then return saved[4]() end\n"
      "  if what == 5 then return tostring(saved[2]) end\n"
      "  return 1\n"
      "end\n");
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  {
    ParsedTrace first(R"({"trace_id": "a", "metadata": {"intent": "refund"}, "messages": [1]})");
    ASSERT_TRUE((*evaluator)->Evaluate(first, EvalContext{}).ok());
  }  // the first trace's document is gone
  const std::string stale = "trace value used after evaluate returned";
  for (int use = 1; use <= 5; ++use) {
    ParsedTrace next(R"({"trace_id": "b", "use": )" + std::to_string(use) + "}");
    EXPECT_EQ(ErrorOf((*evaluator)->Evaluate(next, EvalContext{})),
              // tostring is a C function: Lua's message has no line for it.
              use == 5 ? stale : "source:" + std::to_string(4 + use) + ": " + stale)
        << "use " << use;
  }
}

TEST(LuaLimitsTest, WorkerIndexOutOfRangeIsAnError) {
  auto evaluator = Create("function evaluate(trace) return 1 end\n");
  ASSERT_TRUE(evaluator.ok());
  ParsedTrace trace(kCalm);
  EXPECT_TRUE((*evaluator)->Evaluate(trace, EvalContext{0}).ok());  // one state before Prepare
  EXPECT_EQ(ErrorOf((*evaluator)->Evaluate(trace, EvalContext{1})),
            "lua: worker 1 is out of range; PrepareWorkers announced 1");
  ASSERT_TRUE((*evaluator)->PrepareWorkers(3).ok());
  EXPECT_TRUE((*evaluator)->Evaluate(trace, EvalContext{2}).ok());
  EXPECT_EQ(ErrorOf((*evaluator)->Evaluate(trace, EvalContext{3})),
            "lua: worker 3 is out of range; PrepareWorkers announced 3");
  EXPECT_EQ(ErrorOf((*evaluator)->Evaluate(trace, EvalContext{-1})),
            "lua: worker -1 is out of range; PrepareWorkers announced 3");
  EXPECT_FALSE((*evaluator)->PrepareWorkers(0).ok());
}

TEST(LuaLimitsTest, EachWorkerHasItsOwnState) {
  auto evaluator = Create(
      "local calls = 0\n"
      "function evaluate(trace) calls = calls + 1 return {score = 1, reason = tostring(calls)} "
      "end\n");
  ASSERT_TRUE(evaluator.ok());
  ASSERT_TRUE((*evaluator)->PrepareWorkers(2).ok());
  ParsedTrace trace(kCalm);
  EXPECT_EQ((*evaluator)->Evaluate(trace, EvalContext{0})->reason, "1");
  EXPECT_EQ((*evaluator)->Evaluate(trace, EvalContext{0})->reason, "2");
  EXPECT_EQ((*evaluator)->Evaluate(trace, EvalContext{1})->reason, "1");
}

TEST(LuaLimitsTest, TwoThreadsScoreAtOnce) {
  auto evaluator = Create(
      "function evaluate(trace)\n"
      "  local n = 0\n"
      "  for _, m in ipairs(trace.messages) do if m.role == 'user' then n = n + 1 end end\n"
      "  if trace.n % 7 == 0 then error('multiple of seven') end\n"
      "  return {score = n / #trace.messages, reason = trace.trace_id .. ':' .. n}\n"
      "end\n");
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  ASSERT_TRUE((*evaluator)->PrepareWorkers(2).ok());
  constexpr int kPerThread = 2000;
  std::vector<std::string> failures[2];
  auto work = [&](int worker) {
    for (int i = 0; i < kPerThread; ++i) {
      int n = worker * kPerThread + i;
      std::string id = "t-" + std::to_string(n);
      int users = n % 3;
      std::string json = R"({"trace_id": ")" + id + R"(", "n": )" + std::to_string(n) +
                         R"(, "messages": [{"role": "system"})";
      for (int u = 0; u < users; ++u) json += R"(, {"role": "user"})";
      json += "]}";
      ParsedTrace trace(json);
      Result<Score> score = (*evaluator)->Evaluate(trace, EvalContext{worker});
      if (n % 7 == 0) {
        if (score.ok() || score.status().message() != "source:4: multiple of seven") {
          failures[worker].push_back(id + " should have failed");
        }
      } else if (!score.ok() || score->value != users / (users + 1.0) ||
                 score->reason != id + ":" + std::to_string(users)) {
        failures[worker].push_back(id + ": " +
                                   (score.ok() ? score->reason : score.status().message()));
      }
    }
  };
  std::thread first(work, 0);
  std::thread second(work, 1);
  first.join();
  second.join();
  EXPECT_THAT(failures[0], ::testing::IsEmpty());
  EXPECT_THAT(failures[1], ::testing::IsEmpty());
}

}  // namespace
}  // namespace arbiter
