// The `contains` plugin (SPEC "Plugin params"): literal phrases over a text target.
//
//   plugin: contains
//   target: output                  # default `output`; non-string values are matched as JSON text
//   params: { phrases: ["As an AI language model"], match: none, case_insensitive: true }
//
// `phrases` (required, a string or a list of non-empty strings). `match` (default any): any =
// some phrase occurs, all = every phrase occurs, none = no phrase occurs.
// `case_insensitive` (default false): Unicode simple case folding, one code point to one code
// point (RE2's folding): ASCII, accented Latin ("É" = "é"), Greek, Cyrillic and the other
// cased scripts fold; expansions do not ("ß" does not match "SS").
// `fold_whitespace` (default true): a run of whitespace (any Unicode White_Space code point:
// spaces, tabs, newlines, U+00A0, ...) in the phrase matches any run of whitespace in the
// text, so "refund policy" finds "refund\n  policy". A phrase's leading or trailing whitespace
// then requires some whitespace there. With false, phrases match byte for byte (after case
// folding).
// Score 1.0 when the condition holds, else 0.0; the reason names the first phrase (in
// declaration order) found, or the first phrase missing under `all`.
//
// Phrases are compiled into literal RE2 patterns once, so case folding and whitespace runs
// cost no per-trace copy of the text.
#pragma once

#include "runner/plugin_api/evaluator.h"

namespace arbiter {

PluginInfo ContainsPlugin();

}  // namespace arbiter
