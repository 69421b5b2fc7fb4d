// The `regex` plugin (SPEC "Plugin params"): RE2 patterns over a text target.
//
//   plugin: regex
//   target: output                  # default `output`; non-string values are matched as JSON text
//   params: { patterns: ['\b\d{3}-\d{2}-\d{4}\b'], match: none, case_insensitive: false }
//
// `patterns` (required, a string or a list): RE2 syntax, each compiled once when the evaluator
// is created; a pattern that does not compile is a configuration error at its file:line:column.
// `match` (default any): any = some pattern matches, all = every pattern matches, none = no
// pattern matches. `case_insensitive` (default false): RE2's Unicode simple case folding.
// Score 1.0 when the condition holds, else 0.0. The reason names the first pattern (in
// declaration order) that matched with the matched text (at most 60 code points), or the first
// pattern missing under `all`. A missing target is an error row, not a fail.
#pragma once

#include "runner/plugin_api/evaluator.h"

namespace arbiter {

PluginInfo RegexPlugin();

}  // namespace arbiter
