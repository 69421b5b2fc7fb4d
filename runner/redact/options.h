// What a policy file adds to redaction: its `redact:` section (shared by `arbiter redact
// --policy` and the sampling policy of `arbiter sample`).
//
//   redact:
//     patterns: {ORDER_ID: 'ORD-[0-9]{8}', EMPLOYEE: 'EMP[0-9]{6}'}
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/status.h"

namespace YAML {
class Node;
}
namespace re2 {
class RE2;
}

namespace arbiter {

// One custom type: every match of `pattern` (RE2 syntax, the whole match) becomes "<name>".
struct RedactPattern {
  std::string name;     // [A-Z][A-Z0-9_]*, not a built-in type's name
  std::string pattern;  // case-sensitive unless it says (?i)
};

struct RedactOptions {
  // Custom types, run in this order before the built-in rules, so that a policy's own ids win
  // over a built-in reading of the same text (an order number that looks like a phone number).
  // Default: none, the built-in rules alone.
  std::vector<RedactPattern> patterns;
};

// OK when `name` can be a custom placeholder: [A-Z][A-Z0-9_]*, and not "EMAIL", "CARD", ...
// (a built-in placeholder always means its checks confirmed the match).
Status CheckRedactName(std::string_view name);

// `pattern` compiled as every custom pattern is, or an InvalidArgument with RE2's reason. A
// pattern that matches the empty text is refused too: it would redact nothing useful and
// says the author meant something else.
Result<std::shared_ptr<const re2::RE2>> CompileRedactPattern(const std::string& pattern);

// Reads a `redact:` section (undefined or null: no options). Every pattern is compiled here, so
// a bad name or regex is an InvalidArgument "file:line:column: reason" before any trace is read.
Result<RedactOptions> ReadRedactOptions(const YAML::Node& redact_section, const std::string& file);

// The top-level keys of a policy file. One file serves `sample`, `serve`, `triage`, `redact` and
// `annotate`, each reading its own sections, but every one of them checks all the keys: a typo
// (`redcat:`) read by `redact` or `triage` alone would otherwise turn redaction off silently.
inline constexpr std::string_view kPolicyKeys[] = {
    "strata", "targets", "failure", "failure_multiplier", "focus", "cost_per_trace", "redact",
    "triage", "window",  "otlp"};

// An InvalidArgument at the first key of the policy's top-level mapping `root` that is not one of
// kPolicyKeys ("unknown key 'redcat'; expected ...").
Status CheckPolicyKeys(const YAML::Node& root, const std::string& file);

// The `redact` key of the YAML file `policy` (the other keys checked, CheckPolicyKeys, and left
// to the commands they belong to); a file without one gives the built-ins only.
Result<RedactOptions> LoadRedactOptions(const std::filesystem::path& policy);

}  // namespace arbiter
