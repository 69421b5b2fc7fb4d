// An evaluator's fingerprint (SPEC "scorecard.json"): what decides its scores, hashed, so that a
// baseline or a calibration of the same id and version but a different evaluator is caught as
// "changed without a version bump" instead of being compared as if it were the same.
#pragma once

#include <string>

#include "runner/base/status.h"
#include "runner/plugin_api/evaluator.h"

namespace arbiter {

// SHA-256 (lowercase hex) over, in order: the declaration as canonical JSON (keys sorted,
// `${...}` substituted, `description` left out since it changes no score), the plugin's name and
// version, and the bytes of every file the plugin read while loading (spec.resolved_files) and of
// an external plugin's library (`plugin.origin`). Each part is length-prefixed. A file that can
// no longer be read is an IoError naming it.
Result<std::string> EvaluatorFingerprint(const EvaluatorSpec& spec, const PluginInfo& plugin);

}  // namespace arbiter
