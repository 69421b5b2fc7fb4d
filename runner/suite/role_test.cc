#include "runner/suite/role.h"

#include <gtest/gtest.h>

namespace arbiter {
namespace {

TEST(RoleTest, EveryRoleRoundTripsThroughItsName) {
  for (Role role : {Role::kGate, Role::kSignal, Role::kRevise, Role::kUncalibrated}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role) << RoleName(role);
  }
  EXPECT_EQ(RoleName(Role::kGate), "gate");
  EXPECT_EQ(RoleName(Role::kSignal), "signal");
  EXPECT_EQ(RoleName(Role::kRevise), "revise");
  EXPECT_EQ(RoleName(Role::kUncalibrated), "uncalibrated");
}

TEST(RoleTest, OtherTextIsNoRole) {
  EXPECT_EQ(ParseRole(""), std::nullopt);
  EXPECT_EQ(ParseRole("Gate"), std::nullopt);
  EXPECT_EQ(ParseRole("gate "), std::nullopt);
  EXPECT_EQ(ParseRole("trusted"), std::nullopt);
}

}  // namespace
}  // namespace arbiter
