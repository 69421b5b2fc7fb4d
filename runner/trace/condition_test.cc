#include "runner/trace/condition.h"

#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#include <gtest/gtest.h>

// Counts allocations so a test can check that Matches() allocates nothing. Every replaceable
// (non-aligned) form is replaced so that, under AddressSanitizer too, each allocation is paired
// with the matching deallocation.
namespace {
thread_local long g_allocations = 0;

void* CountedAlloc(std::size_t size) noexcept {
  ++g_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

void* operator new(std::size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size);
}
// GCC cannot see that these pair with the malloc-based operator new above.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace arbiter {
namespace {

constexpr char kTrace[] = R"({
  "trace_id": "t1", "output": "hello", "status": "ok", "latency_ms": 1234, "score": 0.75,
  "neg": -5, "tokens_str": "1200", "decimal_str": "0.5", "word": "abc", "nan_str": "nan",
  "big_str": "9007199254740993", "big_num": 9007199254740993, "huge": 18446744073709551615,
  "flag": true, "off": false, "nothing": null, "empty": "", "obj": {"k": 1}, "arr": [1, 2],
  "quote": "it's", "backslash": "a\\b",
  "usage": {"input_tokens": 1200, "output_tokens": 300},
  "metadata": {"intent": "billing", "tier": "2", "key.with.dots": "yes"},
  "tool_calls": [{"name": "search"}, {"name": "issue_refund"}]
})";

class ConditionTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = parser_.parse(std::string(kTrace)); }

  // Parses `text` (failing the test on a parse error) and evaluates it on kTrace.
  bool Match(const std::string& text) {
    Result<Condition> condition = Condition::Parse(text);
    EXPECT_TRUE(condition.ok()) << text << ": " << condition.status().message();
    return condition.ok() && condition->Matches(root_);
  }

  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
};

// The parse error message, or "OK" when `text` parses.
std::string ParseError(const std::string& text) {
  return Condition::Parse(text).status().ToString();
}

TEST_F(ConditionTest, StringsCompareByBytes) {
  EXPECT_TRUE(Match("metadata.intent == 'billing'"));
  EXPECT_FALSE(Match("metadata.intent == 'Billing'"));
  EXPECT_TRUE(Match("metadata.intent != 'refund'"));
  EXPECT_FALSE(Match("metadata.intent != 'billing'"));
  EXPECT_TRUE(Match("metadata.intent < 'c'"));
  EXPECT_FALSE(Match("metadata.intent < 'billing'"));
  EXPECT_TRUE(Match("metadata.intent <= 'billing'"));
  EXPECT_TRUE(Match("metadata.intent > 'bill'"));
  EXPECT_FALSE(Match("metadata.intent > 'billing'"));
  EXPECT_TRUE(Match("metadata.intent >= 'billing'"));
  EXPECT_TRUE(Match("output > 'Hello'"));  // 'h' (0x68) sorts after 'H' (0x48)
  EXPECT_TRUE(Match("empty == ''"));
  EXPECT_TRUE(Match("metadata.tier == '2'"));  // a string literal compares as a string
}

TEST_F(ConditionTest, NumbersCompareNumerically) {
  EXPECT_TRUE(Match("latency_ms == 1234"));
  EXPECT_FALSE(Match("latency_ms == 1235"));
  EXPECT_TRUE(Match("latency_ms != 1235"));
  EXPECT_TRUE(Match("latency_ms < 1235"));
  EXPECT_FALSE(Match("latency_ms < 1234"));
  EXPECT_TRUE(Match("latency_ms <= 1234"));
  EXPECT_TRUE(Match("latency_ms > 1233.5"));
  EXPECT_TRUE(Match("latency_ms >= 1.234e3"));
  EXPECT_FALSE(Match("latency_ms > 1.234E+3"));
  EXPECT_TRUE(Match("latency_ms == +1234"));
  EXPECT_TRUE(Match("score == 0.75"));
  EXPECT_TRUE(Match("score < .8"));
  EXPECT_TRUE(Match("score > 75e-2 or score == 75e-2"));
  EXPECT_TRUE(Match("neg == -5"));
  EXPECT_TRUE(Match("neg < -4.5"));
  EXPECT_TRUE(Match("usage.input_tokens >= 1000 and usage.output_tokens < 301"));
}

TEST_F(ConditionTest, StringsHoldingNumbersCompareAsNumbers) {
  EXPECT_TRUE(Match("tokens_str == 1200"));
  EXPECT_TRUE(Match("tokens_str == 1.2e3"));
  EXPECT_TRUE(Match("tokens_str > 1000"));
  EXPECT_FALSE(Match("tokens_str < 1000"));
  EXPECT_TRUE(Match("decimal_str < 1"));
  EXPECT_TRUE(Match("metadata.tier >= 2"));
  // A string that is not a number is of another kind: only != holds.
  EXPECT_FALSE(Match("word == 1"));
  EXPECT_TRUE(Match("word != 1"));
  EXPECT_FALSE(Match("word < 1"));
  EXPECT_FALSE(Match("word >= 1"));
  EXPECT_FALSE(Match("empty == 0"));
  // NaN equals nothing and is not ordered.
  EXPECT_FALSE(Match("nan_str == 0"));
  EXPECT_TRUE(Match("nan_str != 0"));
  EXPECT_FALSE(Match("nan_str < 0 or nan_str >= 0"));
}

TEST_F(ConditionTest, SixtyFourBitIntegersCompareExactly) {
  // 2^53 + 1: a double comparison would also accept 9007199254740992.
  EXPECT_TRUE(Match("big_str == 9007199254740993"));
  EXPECT_FALSE(Match("big_str == 9007199254740992"));
  EXPECT_TRUE(Match("big_str > 9007199254740992"));
  EXPECT_TRUE(Match("big_num == 9007199254740993"));
  EXPECT_FALSE(Match("big_num == 9007199254740992"));
  EXPECT_TRUE(Match("huge > 9223372036854775807"));
  EXPECT_TRUE(Match("huge > -1"));
  EXPECT_TRUE(Match("huge == 1.8446744073709552e19"));
}

TEST_F(ConditionTest, BooleansCompareWithTrueAndFalseOnly) {
  EXPECT_TRUE(Match("flag == true"));
  EXPECT_FALSE(Match("flag == false"));
  EXPECT_TRUE(Match("flag != false"));
  EXPECT_FALSE(Match("flag != true"));
  EXPECT_TRUE(Match("off == false"));
  EXPECT_FALSE(Match("flag == 1"));
  EXPECT_TRUE(Match("flag != 1"));
  EXPECT_FALSE(Match("flag == 'true'"));
  EXPECT_FALSE(Match("output == true"));
  EXPECT_TRUE(Match("output != false"));
}

TEST_F(ConditionTest, NullAndMissingPaths) {
  EXPECT_TRUE(Match("nothing == null"));
  EXPECT_FALSE(Match("nothing != null"));
  EXPECT_TRUE(Match("missing == null"));
  EXPECT_TRUE(Match("metadata.missing.deeper == null"));
  EXPECT_FALSE(Match("output == null"));
  EXPECT_TRUE(Match("output != null"));
  EXPECT_FALSE(Match("empty == null"));
  EXPECT_FALSE(Match("obj == null"));
  for (const char* path : {"missing", "nothing", "tool_calls[5].name"}) {
    std::string p(path);
    EXPECT_FALSE(Match(p + " == 'x'")) << p;
    EXPECT_TRUE(Match(p + " != 'x'")) << p;
    EXPECT_FALSE(Match(p + " == 0")) << p;
    EXPECT_TRUE(Match(p + " != 0")) << p;
    EXPECT_FALSE(Match(p + " == false")) << p;
    EXPECT_TRUE(Match(p + " != true")) << p;
    EXPECT_FALSE(Match(p + " < 1 or " + p + " <= 1 or " + p + " > 1 or " + p + " >= 1")) << p;
    EXPECT_FALSE(Match(p + " < 'x' or " + p + " <= 'x' or " + p + " > '' or " + p + " >= ''")) << p;
  }
}

TEST_F(ConditionTest, DifferentKindsAreUnequal) {
  EXPECT_FALSE(Match("usage.input_tokens == '1200'"));
  EXPECT_TRUE(Match("usage.input_tokens != '1200'"));
  EXPECT_FALSE(Match("usage.input_tokens > '100'"));
  EXPECT_FALSE(Match("obj == 1"));
  EXPECT_TRUE(Match("obj != 1"));
  EXPECT_FALSE(Match("arr == 'x'"));
  EXPECT_FALSE(Match("arr >= 0"));
  EXPECT_FALSE(Match("flag > 0"));
}

TEST_F(ConditionTest, Exists) {
  EXPECT_TRUE(Match("exists(output)"));
  EXPECT_TRUE(Match("exists(empty)"));
  EXPECT_TRUE(Match("exists(off)"));
  EXPECT_TRUE(Match("exists(obj)"));
  EXPECT_FALSE(Match("exists(nothing)"));
  EXPECT_FALSE(Match("exists(missing)"));
  EXPECT_TRUE(Match("exists ( metadata.intent )"));
  EXPECT_TRUE(Match("exists(tool_calls[1].name)"));
  EXPECT_FALSE(Match("exists(tool_calls[2])"));
  EXPECT_TRUE(Match("not exists(missing)"));
}

TEST_F(ConditionTest, PrecedenceNotOverAndOverOr) {
  const std::string t = "flag == true";
  const std::string f = "flag == false";
  EXPECT_TRUE(Match(t + " or " + f + " and " + f));   // t or (f and f)
  EXPECT_TRUE(Match(f + " and " + f + " or " + t));   // (f and f) or t
  EXPECT_FALSE(Match(f + " and " + t + " or " + f));  // (f and t) or f
  EXPECT_FALSE(Match("not " + f + " and " + f));      // (not f) and f
  EXPECT_TRUE(Match("not " + t + " or " + t));        // (not t) or t
  EXPECT_FALSE(Match("(" + t + " or " + f + ") and " + f));
  EXPECT_TRUE(Match("not (" + f + " or " + f + ")"));
  EXPECT_FALSE(Match("not (" + f + " or " + t + ")"));
  EXPECT_TRUE(Match("not not " + t));
  EXPECT_TRUE(Match("((" + t + "))"));
  EXPECT_TRUE(Match(f + " or " + f + " or " + f + " or " + t));
  EXPECT_FALSE(Match(t + " and " + t + " and " + t + " and " + f));
}

TEST_F(ConditionTest, PathsWithIndexesAndQuotedKeys) {
  EXPECT_TRUE(Match("tool_calls[0].name == 'search'"));
  EXPECT_TRUE(Match("tool_calls[1].name == 'issue_refund'"));
  EXPECT_FALSE(Match("tool_calls[1].name == 'search'"));
  EXPECT_TRUE(Match("metadata[\"key.with.dots\"] == 'yes'"));
  EXPECT_TRUE(Match("[\"metadata\"].intent == 'billing'"));
  EXPECT_TRUE(Match("arr[1] == 2"));
}

TEST_F(ConditionTest, StringEscapesAndSpacing) {
  EXPECT_TRUE(Match(R"(quote == 'it\'s')"));
  EXPECT_TRUE(Match(R"(backslash == 'a\\b')"));
  EXPECT_TRUE(Match(R"(output == 'hello' and quote != 'it\\')"));
  EXPECT_TRUE(Match("status=='ok'and latency_ms>1000"));
  EXPECT_TRUE(Match("(status=='ok')or(latency_ms<0)"));
  EXPECT_TRUE(Match("  status == 'ok'\n\tand\nlatency_ms > 1000  "));
  EXPECT_TRUE(Match("output == 'a == b or c' or output == 'hello'"));
}

TEST_F(ConditionTest, TextPathsAndCopies) {
  Result<Condition> parsed =
      Condition::Parse("usage.input_tokens > 1 or exists(output) and usage.input_tokens < 9");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text(), "usage.input_tokens > 1 or exists(output) and usage.input_tokens < 9");
  ASSERT_EQ(parsed->paths().size(), 2u);
  EXPECT_EQ(parsed->paths()[0].text(), "usage.input_tokens");
  EXPECT_EQ(parsed->paths()[1].text(), "output");

  Condition copy = *parsed;
  parsed = Status::Internal("drop the original");
  EXPECT_TRUE(copy.Matches(root_));

  Condition always;  // no expression: every trace
  EXPECT_TRUE(always.Matches(root_));
  EXPECT_TRUE(always.paths().empty());
}

TEST_F(ConditionTest, MatchesDoesNotAllocate) {
  Result<Condition> condition = Condition::Parse(
      "(metadata.intent == 'billing' and tokens_str > 1000 and big_str == 9007199254740993) and "
      "not exists(missing) and tool_calls[1].name != 'search' and metadata[\"key.with.dots\"] >= "
      "'yes' and score < 1 and flag == true and missing == null or output == 'x'");
  ASSERT_TRUE(condition.ok()) << condition.status().message();
  long counted = g_allocations;
  auto probe = std::make_unique<int>(1);  // the counter sees allocations
  ASSERT_GT(g_allocations, counted);
  long before = g_allocations;
  bool matched = condition->Matches(root_);
  long allocations = g_allocations - before;
  EXPECT_TRUE(matched);
  EXPECT_EQ(allocations, 0);
}

TEST(ConditionParseTest, ErrorsNameTheColumnAndWhatWasExpected) {
  EXPECT_EQ(ParseError("metadata.intent =="), "column 19: expected a value after '=='");
  EXPECT_EQ(ParseError("metadata.intent = 'billing'"),
            "column 17: unknown operator '=' (use '==')");
  EXPECT_EQ(ParseError("status <> 'ok'"),
            "column 8: unknown operator '<>' (use ==, !=, <, <=, >, >=)");
  EXPECT_EQ(ParseError("(status == 'ok'"),
            "column 16: unbalanced parenthesis: missing ')' for the '(' at column 1");
  EXPECT_EQ(ParseError("status == 'ok')"),
            "column 15: unbalanced parenthesis: ')' without a matching '('");
  EXPECT_EQ(ParseError("status == 'ok' and"), "column 19: expected a condition after 'and'");
  EXPECT_EQ(ParseError("status == 'ok' or or a == 1"),
            "column 19: expected a condition after 'or', found keyword 'or'");
  EXPECT_EQ(ParseError("not"), "column 4: expected a condition after 'not'");
  EXPECT_EQ(ParseError("()"), "column 2: expected a condition after '(', found ')'");
  EXPECT_EQ(ParseError(""), "column 1: expected a condition");
  EXPECT_EQ(ParseError("status == 'ok' extra"),
            "column 16: expected 'and', 'or' or the end of the condition, found 'extra'");
  EXPECT_EQ(ParseError("status == 'ok' AND a == 1"),
            "column 16: expected 'and', 'or' or the end of the condition, found 'AND' (keywords "
            "are lower case)");
  EXPECT_EQ(ParseError("(a == 1 b == 2)"), "column 9: expected 'and', 'or' or ')', found 'b'");
  EXPECT_EQ(ParseError("status"),
            "column 7: expected an operator (==, !=, <, <=, >, >=) after 'status'");
  EXPECT_EQ(ParseError("status and a == 1"),
            "column 8: expected an operator (==, !=, <, <=, >, >=) after 'status', found 'and'");
}

TEST(ConditionParseTest, ValueErrors) {
  EXPECT_EQ(ParseError("status == billing"),
            "column 11: expected a value after '==' ('single-quoted string', number, true, false "
            "or null), found 'billing'");
  EXPECT_EQ(ParseError("status == \"ok\""),
            "column 11: expected a value after '==' ('single-quoted string', number, true, false "
            "or null), found '\"'");
  EXPECT_EQ(ParseError("flag == True"),
            "column 9: expected a value after '==' ('single-quoted string', number, true, false "
            "or null), found 'True' (keywords are lower case)");
  EXPECT_EQ(ParseError("status == 'ok"), "column 11: unterminated string: missing closing '");
  EXPECT_EQ(ParseError(R"(output == 'a\nb')"),
            R"(column 13: unknown escape in string: only \' and \\ are escapes)");
  EXPECT_EQ(ParseError("latency_ms > 12x"), "column 14: bad number '12x'");
  EXPECT_EQ(ParseError("latency_ms > 1.2.3"), "column 14: bad number '1.2.3'");
  EXPECT_EQ(ParseError("latency_ms > -"), "column 14: bad number '-'");
  EXPECT_EQ(ParseError("latency_ms > 1e"), "column 14: bad number '1e'");
  EXPECT_EQ(ParseError("latency_ms > 1e999"), "column 14: number '1e999' is out of range");
  EXPECT_EQ(ParseError("flag < true"),
            "column 6: '<' cannot compare with true: true, false and null take only == and !=");
  EXPECT_EQ(ParseError("a >= null"),
            "column 3: '>=' cannot compare with null: true, false and null take only == and !=");
}

TEST(ConditionParseTest, PathAndExistsErrors) {
  EXPECT_EQ(ParseError("exists status"), "column 8: expected '(' after 'exists'");
  EXPECT_EQ(ParseError("exists(status"),
            "column 14: expected ')' after the path in exists(...), found the end");
  EXPECT_EQ(ParseError("exists()"), "column 8: expected a path, found ')'");
  EXPECT_EQ(ParseError("exists(a b)"),
            "column 10: expected ')' after the path in exists(...), found 'b'");
  EXPECT_EQ(ParseError("metadata..intent == 'x'"),
            "column 10: bad path 'metadata..intent': empty segment");
  EXPECT_EQ(ParseError("a == 1 or tool_calls[x].name == 'y'"),
            "column 22: bad path 'tool_calls[x].name': index must be a non-negative integer");
  EXPECT_EQ(ParseError("true == 1"), "column 1: expected a condition, found keyword 'true'");
  EXPECT_EQ(ParseError("a == 1 and == 2"),
            "column 12: expected a condition after 'and', found '='");
  EXPECT_EQ(ParseError(std::string(100, '(') + "a == 1" + std::string(100, ')')),
            "column 65: conditions nest deeper than 64 levels");
  EXPECT_EQ(ParseError(std::string(65, '(') + "a == 1" + std::string(65, ')')),
            "column 65: conditions nest deeper than 64 levels");
  EXPECT_EQ(ParseError(std::string(64, '(') + "a == 1" + std::string(64, ')')), "OK");
  std::string nots;
  for (int i = 0; i < 64; ++i) nots += "not ";
  EXPECT_EQ(ParseError(nots + "a == 1"), "OK");
  EXPECT_EQ(ParseError(nots + "not a == 1"), "column 257: conditions nest deeper than 64 levels");
}

}  // namespace
}  // namespace arbiter
