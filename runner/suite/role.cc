#include "runner/suite/role.h"

namespace arbiter {

std::string RoleName(Role role) {
  switch (role) {
    case Role::kGate:
      return "gate";
    case Role::kSignal:
      return "signal";
    case Role::kRevise:
      return "revise";
    case Role::kUncalibrated:
      return "uncalibrated";
  }
  return "uncalibrated";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kGate, Role::kSignal, Role::kRevise, Role::kUncalibrated}) {
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

}  // namespace arbiter
