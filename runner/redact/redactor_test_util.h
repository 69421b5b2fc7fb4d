// A Redactor fixture for the redaction tests: each case is an input and the text expected back,
// and the type's count must grow exactly when the text changed.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "runner/redact/redactor.h"

namespace arbiter::testing {

struct RedactCase {
  const char* input;
  const char* expected;
};

class RedactorTest : public ::testing::Test {
 protected:
  std::string Redact(const std::string& text) { return redactor_.Redact(text, counts_); }
  void ExpectAll(PiiType type, std::initializer_list<RedactCase> cases) {
    for (const RedactCase& c : cases) {
      RedactionCounts before = counts_;
      std::string got = Redact(c.input);
      EXPECT_EQ(got, c.expected) << c.input;
      bool redacted = std::string(c.expected) != c.input;
      EXPECT_EQ(counts_[type] > before[type], redacted) << c.input;
    }
  }
  Redactor redactor_;
  RedactionCounts counts_;
};

}  // namespace arbiter::testing
