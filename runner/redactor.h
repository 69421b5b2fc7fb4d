// PII redaction before annotation (issue 4): e-mail addresses, phone numbers, payment cards,
// IBANs, IP addresses and secrets in any text become typed placeholders ("<EMAIL>", "<CARD>").
// Candidates are found with RE2 and confirmed by checksums (runner/redact_checks.h) so that look-
// alikes such as a Luhn-failing order number or a version string stay.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace arbiter {

// In the order rules run: secrets first (keys hold digit runs that look like cards or phones),
// phones last (their pattern is the loosest).
enum class PiiType { kSecret, kEmail, kIban, kCard, kIp, kPhone };
inline constexpr size_t kPiiTypeCount = 6;

// "SECRET", "EMAIL", ...: the placeholder's name without brackets.
const char* PiiTypeName(PiiType type);

struct RedactionCounts {
  std::array<uint64_t, kPiiTypeCount> by_type{};
  uint64_t& operator[](PiiType type) { return by_type[static_cast<size_t>(type)]; }
  uint64_t operator[](PiiType type) const { return by_type[static_cast<size_t>(type)]; }
  void Add(const RedactionCounts& other);
};

class Redactor {
 public:
  Redactor();
  ~Redactor();
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // `text` with every confirmed match replaced by its placeholder; adds to `counts`.
  std::string Redact(std::string_view text, RedactionCounts& counts) const;

  // Redacts every string value in `document`, at any depth (messages, tool arguments,
  // documents). Object keys are structure and stay.
  void RedactJson(nlohmann::ordered_json& document, RedactionCounts& counts) const;

 private:
  struct Rule;
  std::vector<std::unique_ptr<Rule>> rules_;
};

}  // namespace arbiter
