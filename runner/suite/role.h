// An evaluator's role: what its agreement with human labels earns it (SPEC "calibration.json").
// Calibration decides it, the history store keeps it, the gate acts on it: `gate` evaluators may
// block a release, `signal` ones warn, `revise` and `uncalibrated` ones are shown but not
// trusted. Inside arbiter a role is this enum; its name appears only in files and reports.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace arbiter {

enum class Role { kGate, kSignal, kRevise, kUncalibrated };

// "gate", "signal", "revise", "uncalibrated".
std::string RoleName(Role role);

// The role named `name`, or nullopt for any other text.
std::optional<Role> ParseRole(std::string_view name);

}  // namespace arbiter
