// PII redaction: every type with its look-alikes. Card and IBAN check digits were verified with an
// independent Python Luhn / ISO 13616 mod-97 implementation; 4111 1111 1111 1111 and
// 5555 5555 5555 4444 are the card networks' published test numbers, DE89 3704 0044 0532 0130 00
// and GB82 WEST 1234 5698 7654 32 the IBAN registry's examples.
#include <gtest/gtest.h>

#include <string>

#include "runner/redact/checks.h"
#include "runner/redact/redactor.h"
#include "runner/redact/redactor_test_util.h"

namespace arbiter {
namespace {

using testing::RedactorTest;

TEST_F(RedactorTest, Emails) {
  ExpectAll(PiiType::kEmail, {{"mail ana.perez+tag@example.co.uk now", "mail <EMAIL> now"},
                              {"<bo@mail.example.org>", "<<EMAIL>>"},
                              {"user@localhost has no domain", "user@localhost has no domain"},
                              {"ping @handle on chat", "ping @handle on chat"}});
}

TEST_F(RedactorTest, CardsNeedLuhnAndIssuerDigit) {
  ExpectAll(PiiType::kCard,
            {{"card 4111 1111 1111 1111 ok", "card <CARD> ok"},
             {"card 4111-1111-1111-1111", "card <CARD>"},
             {"5555555555554444", "<CARD>"},
             {"amex 378282246310005.", "amex <CARD>."},
             // A 16-digit order number failing Luhn stays, as does one off by a digit.
             {"order 1234567812345678 shipped", "order 1234567812345678 shipped"},
             {"4111111111111112", "4111111111111112"},
             // A millisecond timestamp: issuer digit 1 is no card network.
             {"ts 1763900000000", "ts 1763900000000"},
             // Part of a longer digit run is not a card.
             {"41111111111111110000", "41111111111111110000"}});
}

TEST_F(RedactorTest, IbansNeedMod97) {
  ExpectAll(PiiType::kIban, {{"IBAN DE89 3704 0044 0532 0130 00 please", "IBAN <IBAN> please"},
                             {"GB82WEST12345698765432", "<IBAN>"},
                             {"GB82 WEST 1234 5698 7654 32 THEN STOP", "<IBAN> THEN STOP"},
                             {"DE89 3704 0044 0532 0130 01", "DE89 3704 0044 0532 0130 01"},
                             {"SKU AB12 CDEF GHIJ", "SKU AB12 CDEF GHIJ"}});
}

TEST_F(RedactorTest, IpAddresses) {
  ExpectAll(PiiType::kIp, {{"from 192.168.1.20 at", "from <IP> at"},
                           {"host 10.0.0.1.", "host <IP>."},
                           {"v6 2001:db8::8a2e:370:7334 seen", "v6 <IP> seen"},
                           {"link fe80::1", "link <IP>"},
                           {"version 1.2.3", "version 1.2.3"},
                           {"version 1.2.3.4.5", "version 1.2.3.4.5"},
                           {"bad 999.1.1.1", "bad 999.1.1.1"},
                           {"at 10:00:00 sharp", "at 10:00:00 sharp"},
                           {"std::string and a::b", "std::string and a::b"}});
}

TEST_F(RedactorTest, PhoneNumbers) {
  ExpectAll(PiiType::kPhone, {{"call +1 415 555 2671 today", "call <PHONE> today"},
                              {"call (415) 555-2671", "call <PHONE>"},
                              {"or 415.555.2671", "or <PHONE>"},
                              {"uk +44 20 7946 0958", "uk <PHONE>"},
                              {"on 2026-11-20", "on 2026-11-20"},
                              {"order 1234567 total 4155552671", "order 1234567 total 4155552671"},
                              {"+12", "+12"}});
}

TEST_F(RedactorTest, Secrets) {
  ExpectAll(PiiType::kSecret, {{"key sk-proj-abcdefghijklmnopqrstuvwx12", "key <SECRET>"},
                               {"AKIAIOSFODNN7EXAMPLE", "<SECRET>"},
                               {"token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "token <SECRET>"},
                               {"xoxb-123456789012-abcdef", "<SECRET>"},
                               {"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig",
                                "Authorization: Bearer <SECRET>"},
                               {"use sk-learn for task-1234", "use sk-learn for task-1234"},
                               {"AKIA is a prefix", "AKIA is a prefix"},
                               {"bearer of news", "bearer of news"}});
}

TEST_F(RedactorTest, SeveralTypesInOneTextAreCountedEach) {
  std::string got = Redact("a@b.io and c@d.io from 8.8.8.8 card 4111111111111111");
  EXPECT_EQ(got, "<EMAIL> and <EMAIL> from <IP> card <CARD>");
  EXPECT_EQ(counts_[PiiType::kEmail], 2u);
  EXPECT_EQ(counts_[PiiType::kIp], 1u);
  EXPECT_EQ(counts_[PiiType::kCard], 1u);
  EXPECT_EQ(counts_[PiiType::kPhone], 0u);
}

TEST_F(RedactorTest, JsonRedactsEveryNestedStringAndKeepsKeysAndNumbers) {
  auto trace = nlohmann::ordered_json::parse(R"({
    "trace_id": "t-1", "latency_ms": 4111111111111111,
    "messages": [{"role": "user", "content": "I am ana@example.com"}],
    "tool_calls": [{"name": "pay", "arguments": {"card": "4111 1111 1111 1111",
                    "nested": [["ip 10.1.2.3"]]}}],
    "documents": [{"text": "call +1 415 555 2671"}],
    "ana@example.com": "key stays"})");
  redactor_.RedactJson(trace, counts_);
  EXPECT_EQ(trace["messages"][0]["content"], "I am <EMAIL>");
  EXPECT_EQ(trace["tool_calls"][0]["arguments"]["card"], "<CARD>");
  EXPECT_EQ(trace["tool_calls"][0]["arguments"]["nested"][0][0], "ip <IP>");
  EXPECT_EQ(trace["documents"][0]["text"], "call <PHONE>");
  EXPECT_EQ(trace["latency_ms"], 4111111111111111);  // numbers are not text
  EXPECT_TRUE(trace.contains("ana@example.com"));
  EXPECT_EQ(trace.begin().key(), "trace_id");  // key order kept
}

TEST_F(RedactorTest, IdentitiesStay) {
  // A Luhn-valid number as the trace's id and as an OTLP span id: identities, not content.
  auto trace = nlohmann::ordered_json::parse(R"({
    "trace_id": "4111111111111111", "input": "card 4111111111111111",
    "otel": {"spans": [{"span_id": "4111111111111111", "parent_span_id": "4111111111111111",
                        "attributes": {"trace_id": "4111111111111111"}}]}})");
  redactor_.RedactJson(trace, counts_);
  EXPECT_EQ(trace["trace_id"], "4111111111111111");
  EXPECT_EQ(trace["input"], "card <CARD>");
  EXPECT_EQ(trace["otel"]["spans"][0]["span_id"], "4111111111111111");
  EXPECT_EQ(trace["otel"]["spans"][0]["parent_span_id"], "4111111111111111");
  // Only the trace's own id: the same key deeper down is content like any other.
  EXPECT_EQ(trace["otel"]["spans"][0]["attributes"]["trace_id"], "<CARD>");
  EXPECT_EQ(counts_[PiiType::kCard], 2u);
}

TEST(RedactChecksTest, Checksums) {
  EXPECT_TRUE(IsCardNumber("4539578763621486"));
  EXPECT_FALSE(IsCardNumber("3782822463100051"));  // Luhn fails (Python check above)
  EXPECT_EQ(IbanPrefixLength("DE89 3704 0044 0532 0130 00 XYZW"), 27u);
  EXPECT_EQ(IbanPrefixLength("DE89370400440532013001"), 0u);
  EXPECT_TRUE(IsIpv4("255.255.255.255"));
  EXPECT_FALSE(IsIpv4("256.1.1.1"));
  EXPECT_FALSE(IsIpv6("::"));
  EXPECT_TRUE(IsPhoneNumber("+1 415 555 2671"));
  EXPECT_FALSE(IsPhoneNumber("+1 23"));
}

}  // namespace
}  // namespace arbiter
