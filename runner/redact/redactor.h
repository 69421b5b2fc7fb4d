// PII redaction before annotation (issue 4): e-mail addresses, phone numbers, payment cards,
// IBANs, national ID numbers, IP addresses and secrets in any text become typed placeholders
// ("<EMAIL>", "<CARD>"), and so do the matches of a policy's own patterns ("<ORDER_ID>").
// Candidates are found with RE2 and confirmed by checksums and shape checks
// (runner/redact/checks.h, redact_id_checks.h, redact_secret_checks.h) so that look-alikes such
// as a Luhn-failing order number, a version string or a git hash stay.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/base/status.h"
#include "runner/redact/options.h"

namespace arbiter {

// The built-in types, in the order the summary lists them (the rules' order is in
// runner/redact/rules.cc).
enum class PiiType { kSecret, kEmail, kIban, kNationalId, kCard, kIp, kPhone };
inline constexpr size_t kPiiTypeCount = 7;

// "SECRET", "EMAIL", ...: the placeholder's name without brackets.
const char* PiiTypeName(PiiType type);

// Replacements made, per type: built-in types by PiiType, a policy's patterns by name.
struct RedactionCounts {
  std::array<uint64_t, kPiiTypeCount> by_type{};
  std::map<std::string, uint64_t, std::less<>> custom;  // a name appears once counted

  uint64_t& operator[](PiiType type) { return by_type[static_cast<size_t>(type)]; }
  uint64_t operator[](PiiType type) const { return by_type[static_cast<size_t>(type)]; }
  // The count of a built-in or custom type by its name ("CARD", "ORDER_ID"); 0 when none.
  uint64_t Of(std::string_view name) const;
  void Add(const RedactionCounts& other);
};

// Thread-safe after construction: Redact and RedactJson are const and share nothing mutable.
class Redactor {
 public:
  // The built-in rules only.
  Redactor();
  // The built-in rules plus `options.patterns`; an invalid pattern or name is an
  // InvalidArgument naming it (ReadRedactOptions has already checked what comes from a file,
  // with file:line:column).
  static Result<Redactor> Create(const RedactOptions& options);

  ~Redactor();
  Redactor(Redactor&&) noexcept;
  Redactor& operator=(Redactor&&) noexcept;
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // Every type this redactor can count, as the summary lists them: the built-in types in
  // PiiType order, then the custom ones in policy order.
  std::vector<std::string> TypeNames() const;

  // `text` with every confirmed match replaced by its placeholder; adds to `counts`.
  std::string Redact(std::string_view text, RedactionCounts& counts) const;

  // Redacts every string value in `document`, at any depth (messages, tool arguments,
  // documents). Object keys are structure and stay, and so do identities: the top-level
  // `trace_id` (labels join on it) and `span_id` / `parent_span_id` (OTLP hex ids).
  void RedactJson(nlohmann::ordered_json& document, RedactionCounts& counts) const;

 private:
  struct Rule;
  std::vector<std::unique_ptr<Rule>> rules_;
  std::vector<std::string> custom_names_;
};

// The built-in rules plus the `redact:` patterns of the policy file `policy` ("" or a file
// without that key: the built-ins alone). A bad pattern is an InvalidArgument with
// file:line:column, before any trace is read. Shared by `redact` and `triage`.
Result<Redactor> PolicyRedactor(const std::string& policy);

// "SECRET 2, EMAIL 0, ..., ORDER_ID 1": every type of `redactor` with its count.
std::string FormatRedactionCounts(const Redactor& redactor, const RedactionCounts& counts);

}  // namespace arbiter
