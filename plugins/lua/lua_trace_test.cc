// How a script sees the trace: a lazy, read-only view of the JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugins/lua/lua_test_util.h"

namespace arbiter {
namespace {

using lua_test::ErrorOf;
using lua_test::RunLua;

constexpr char kTrace[] = R"({
  "trace_id": "t-7", "output": "Refund issued [doc2].", "latency_ms": 1234, "cost": 0.5,
  "big": 9007199254740993, "huge": 18446744073709551615, "negative": -42,
  "messages": [{"role": "system", "content": "Be brief."},
               {"role": "user", "content": "Refund?"},
               {"role": "assistant", "content": "Refund issued [doc2]."}],
  "tool_calls": [{"name": "lookup_order", "arguments": {"id": 17}, "result": "ok", "error": null},
                 {"name": "issue_refund", "arguments": {"amount": 12.5}, "error": "timeout"}],
  "feedback": null, "escalated": false,
  "metadata": {"intent": "refund", "persona": "enterprise", "language": "de"}
})";

// The reason of `return {score = 1, reason = <expression>}`, evaluated on kTrace.
std::string Reason(const std::string& body) {
  Result<Score> score = RunLua("function evaluate(trace)\n" + body + "\nend\n", kTrace);
  EXPECT_TRUE(score.ok()) << score.status().ToString();
  return score.ok() ? score->reason : "";
}
std::string Show(const std::string& expression) {
  return Reason("return {score = 1, reason = tostring(" + expression + ")}");
}

TEST(LuaTraceTest, NestedFields) {
  EXPECT_EQ(Show("trace.trace_id"), "t-7");
  EXPECT_EQ(Show("trace.metadata.intent"), "refund");
  EXPECT_EQ(Show("trace.tool_calls[1].name"), "lookup_order");
  EXPECT_EQ(Show("trace.tool_calls[2].arguments.amount"), "12.5");
  EXPECT_EQ(Show("trace.messages[3].content"), "Refund issued [doc2].");
  EXPECT_EQ(Show("trace.output:match('%[(doc%d+)%]')"), "doc2");
}

TEST(LuaTraceTest, ScalarsKeepTheirLuaTypes) {
  EXPECT_EQ(Show("math.type(trace.latency_ms) .. ' ' .. trace.latency_ms"), "integer 1234");
  EXPECT_EQ(Show("math.type(trace.cost) .. ' ' .. trace.cost"), "float 0.5");
  EXPECT_EQ(Show("trace.negative"), "-42");
  EXPECT_EQ(Show("type(trace.escalated) .. ' ' .. tostring(trace.escalated)"), "boolean false");
  EXPECT_EQ(Show("type(trace.metadata)"), "userdata");
}

TEST(LuaTraceTest, SixtyFourBitIntegersAreExact) {
  // 2^53 + 1 is not representable as a double; it must arrive as an integer.
  EXPECT_EQ(Show("trace.big"), "9007199254740993");
  EXPECT_EQ(Show("trace.big == 9007199254740993 and trace.big ~= 9007199254740992"), "true");
  // Above 2^63 - 1 Lua has no integer: the value becomes a float.
  EXPECT_EQ(Show("math.type(trace.huge) .. ' ' .. string.format('%.0f', trace.huge)"),
            "float 18446744073709551616");
}

TEST(LuaTraceTest, NullAndMissingAreNil) {
  EXPECT_EQ(Show("trace.feedback"), "nil");
  EXPECT_EQ(Show("trace.tool_calls[1].error"), "nil");
  EXPECT_EQ(Show("trace.no_such_field"), "nil");
  EXPECT_EQ(Show("trace.messages[0]"), "nil");
  EXPECT_EQ(Show("trace.messages[4]"), "nil");
  EXPECT_EQ(Show("trace.messages[1.5]"), "nil");
  EXPECT_EQ(Show("trace.messages['1']"), "nil");
  EXPECT_EQ(Show("trace.messages[2.0].role"), "user");
  EXPECT_EQ(Show("trace[1]"), "nil");
}

TEST(LuaTraceTest, LengthOfArraysAndObjects) {
  EXPECT_EQ(Show("#trace.messages"), "3");
  EXPECT_EQ(Show("#trace.tool_calls"), "2");
  EXPECT_EQ(Show("#trace.metadata"), "0");
  EXPECT_EQ(Show("#trace.output"), "21");
}

TEST(LuaTraceTest, IpairsVisitsArrayElementsInOrder) {
  EXPECT_EQ(
      Reason("local roles = {}\n"
             "for i, m in ipairs(trace.messages) do roles[#roles + 1] = i .. '=' .. m.role end\n"
             "return {score = 1, reason = table.concat(roles, ',')}"),
      "1=system,2=user,3=assistant");
  // Indexing backwards and again forwards after the cursor moved.
  EXPECT_EQ(Reason("local m = trace.messages\n"
                   "return {score = 1, reason = m[3].role .. m[1].role .. m[2].role .. m[3].role}"),
            "assistantsystemuserassistant");
}

TEST(LuaTraceTest, PairsVisitsObjectMembersInDocumentOrder) {
  EXPECT_EQ(Reason("local parts = {}\n"
                   "for k, v in pairs(trace.metadata) do parts[#parts + 1] = k .. '=' .. v end\n"
                   "return {score = 1, reason = table.concat(parts, ',')}"),
            "intent=refund,persona=enterprise,language=de");
  EXPECT_EQ(
      Reason("local parts = {}\n"
             "for k, v in pairs(trace.tool_calls) do parts[#parts + 1] = k .. '=' .. v.name end\n"
             "return {score = 1, reason = table.concat(parts, ',')}"),
      "1=lookup_order,2=issue_refund");
  // A null member is visited too, with a nil value.
  EXPECT_EQ(Reason("local keys = {}\n"
                   "for k, v in pairs(trace) do if v == nil then keys[#keys + 1] = k end end\n"
                   "return {score = 1, reason = table.concat(keys, ',')}"),
            "feedback");
}

TEST(LuaTraceTest, TostringGivesTheJson) {
  EXPECT_EQ(Show("trace.metadata"),
            R"({"intent":"refund","persona":"enterprise","language":"de"})");
  EXPECT_EQ(Show("trace.tool_calls[1].arguments"), R"({"id":17})");
}

TEST(LuaTraceTest, TraceIsReadOnly) {
  const std::string json = R"({"trace_id": "t", "metadata": {"intent": "x"}, "messages": []})";
  EXPECT_EQ(ErrorOf(RunLua("function evaluate(trace)\n  trace.output = 'x'\nend", json)),
            "source:2: trace is read-only");
  EXPECT_EQ(ErrorOf(RunLua("function evaluate(trace)\n  trace.metadata.intent = 'y'\nend", json)),
            "source:2: trace is read-only");
  EXPECT_EQ(
      ErrorOf(RunLua("function evaluate(trace)\n  table.insert(trace.messages, 1)\nend", json)),
      "trace is read-only");
  EXPECT_EQ(
      ErrorOf(RunLua("function evaluate(trace)\n  return setmetatable(trace, nil)\nend", json)),
      "source:2: bad argument #1 to 'setmetatable' (table expected, got trace)");
  EXPECT_EQ(Show("getmetatable(trace)"), "false");
}

}  // namespace
}  // namespace arbiter
