// National ID numbers: each format with the look-alikes its validity rules reject. Check
// letters and digits were computed with an independent Python implementation of each rule
// (DNI/NIE mod 23, BSN 11-test, codice fiscale odd/even tables); RSSMRA85T10A562S is the
// codice fiscale every Italian tutorial uses, 111222333 the Dutch test BSN.
#include <gtest/gtest.h>

#include "runner/redact/id_checks.h"
#include "runner/redact/redactor.h"
#include "runner/redact/redactor_test_util.h"

namespace arbiter {
namespace {

using testing::RedactorTest;

TEST_F(RedactorTest, UsSocialSecurityNumbersOutsideTheSsaInvalidRanges) {
  ExpectAll(PiiType::kNationalId,
            {{"SSN 536-22-8726 on file", "SSN <NATIONAL_ID> on file"},
             {"(536-22-8726).", "(<NATIONAL_ID>)."},
             {"ssn: 536228726", "ssn: <NATIONAL_ID>"},
             {"Social Security Number 536 22 8726", "Social Security Number <NATIONAL_ID>"},
             // Area 000, 666 and 900-999, group 00 and serial 0000 are never issued.
             {"000-12-3456", "000-12-3456"},
             {"666-12-3456", "666-12-3456"},
             {"900-12-3456 and 987-65-4321", "900-12-3456 and 987-65-4321"},
             {"123-00-4567", "123-00-4567"},
             {"123-45-0000", "123-45-0000"},
             // Inside a longer dashed run, or undashed without its name: a part number.
             {"part 1-536-22-8726-0", "part 1-536-22-8726-0"},
             {"order 536228726", "order 536228726"},
             // Dates and phone numbers have other groupings.
             {"on 2026-11-20", "on 2026-11-20"}});
}

TEST_F(RedactorTest, PhoneShapedNumbersStayPhones) {
  EXPECT_EQ(Redact("call 415-555-2671"), "call <PHONE>");
  EXPECT_EQ(counts_[PiiType::kNationalId], 0u);
  EXPECT_EQ(counts_[PiiType::kPhone], 1u);
}

TEST_F(RedactorTest, UkNationalInsuranceNumbers) {
  ExpectAll(PiiType::kNationalId,
            {{"NI number AB 12 34 56 C.", "NI number <NATIONAL_ID>."},
             {"JG103759A", "<NATIONAL_ID>"},
             {"ab123456c", "ab123456c"},          // lower case: not how HMRC writes them
             {"QQ 12 34 56 C", "QQ 12 34 56 C"},  // HMRC's example: Q is never a prefix
             {"DA123456A", "DA123456A"},          // D never first
             {"AO123456A", "AO123456A"},          // O never second
             {"GB123456A and TN123456B", "GB123456A and TN123456B"},  // unallocated prefixes
             {"AB123456E", "AB123456E"},                              // suffix A-D only
             {"AB123456CD", "AB123456CD"}});                          // part of a longer code
}

TEST_F(RedactorTest, SpanishDniAndNieNeedTheirCheckLetter) {
  ExpectAll(PiiType::kNationalId,
            {{"DNI 12345678Z", "DNI <NATIONAL_ID>"},
             {"dni 12345678-Z", "dni <NATIONAL_ID>"},
             {"NIE X1234567L, Y1234567X", "NIE <NATIONAL_ID>, <NATIONAL_ID>"},
             {"Z-7654321-H", "<NATIONAL_ID>"},
             {"12345678A", "12345678A"},  // the letter for 12345678 is Z
             {"X1234567A", "X1234567A"},  // and for NIE X1234567, L
             {"20261120Z", "20261120Z"},  // a compact date with a zone letter fails too
             {"12345678Z9", "12345678Z9"}});
}

TEST_F(RedactorTest, DutchBsnOnlyAfterItsNameAndWithThe11Test) {
  ExpectAll(PiiType::kNationalId,
            {{"BSN: 111222333", "BSN: <NATIONAL_ID>"},
             {"burgerservicenummer 1234.56.782", "burgerservicenummer <NATIONAL_ID>"},
             {"bsn-nummer 123 456 782", "bsn-nummer <NATIONAL_ID>"},
             {"BSN 123456789", "BSN 123456789"},  // fails the 11-test
             {"BSN 000000000", "BSN 000000000"},
             {"invoice 111222333", "invoice 111222333"}});  // passes it, but is no BSN
}

TEST_F(RedactorTest, ItalianCodiceFiscale) {
  ExpectAll(PiiType::kNationalId, {{"CF RSSMRA85T10A562S", "CF <NATIONAL_ID>"},
                                   {"MRTMTT91D08F205J", "<NATIONAL_ID>"},
                                   {"RSSMRA85T10A562T", "RSSMRA85T10A562T"},  // wrong check letter
                                   {"RSSMRA85Z10A562S", "RSSMRA85Z10A562S"}});  // Z is no month
}

TEST(RedactIdChecksTest, Rules) {
  EXPECT_TRUE(IsUsSsn("899-99-9999"));
  EXPECT_FALSE(IsUsSsn("536-22-872"));
  EXPECT_TRUE(IsUkNino("AB 12 34 56 D"));
  EXPECT_FALSE(IsUkNino("NK123456A"));
  EXPECT_TRUE(IsSpanishDniOrNie("00000000T"));
  EXPECT_TRUE(IsSpanishDniOrNie("Z7654321H"));
  EXPECT_FALSE(IsSpanishDniOrNie("Z7654321J"));
  EXPECT_TRUE(IsDutchBsn("999999990"));
  EXPECT_FALSE(IsDutchBsn("99999999"));
  EXPECT_TRUE(IsItalianFiscalCode("BNCGNN80A01H501T"));
  EXPECT_FALSE(IsItalianFiscalCode("bncgnn80a01h501t"));
}

}  // namespace
}  // namespace arbiter
