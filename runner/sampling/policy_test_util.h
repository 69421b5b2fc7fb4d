// Test helper: a sampling policy from YAML text, failing the test when it does not parse.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "runner/sampling/policy.h"

namespace arbiter::testing {

inline SamplePolicy Policy(const std::string& yaml) {
  Result<SamplePolicy> policy = ParseSamplePolicy(yaml, "policy.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status().message();
  return policy.ok() ? *policy : SamplePolicy{};
}

}  // namespace arbiter::testing
