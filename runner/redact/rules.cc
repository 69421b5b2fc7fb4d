#include "runner/redact/rules.h"

#include "runner/redact/checks.h"
#include "runner/redact/id_checks.h"
#include "runner/redact/secret_checks.h"

namespace arbiter {
namespace {

size_t Always(std::string_view span) { return span.size(); }

template <bool (*Check)(std::string_view)>
size_t Whole(std::string_view span) {
  return Check(span) ? span.size() : 0;
}

bool IsIp(std::string_view span) { return IsIpv4(span) || IsIpv6(span); }

// In this order: secrets first (keys hold digit runs that look like cards or phones); e-mail
// before the high-entropy rule (a random local part would otherwise leave "@domain" behind);
// national ids before cards and phones (their patterns are stricter); phones last (the loosest).
const BuiltinRule kRules[] = {
    // Well-known key prefixes: OpenAI/Anthropic sk-, AWS access key ids, GitHub tokens, Slack
    // tokens, Google API keys; JSON Web Tokens (header and payload are base64 of '{"').
    {PiiType::kSecret,
     R"(\b(sk-[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|)"
     R"(xox[bpas]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|)"
     R"(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*))",
     Always},
    // A PEM private key, armor included, as one secret.
    {PiiType::kSecret,
     R"((-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----))", Always},
    // Any bearer token in an Authorization-style text; Basic credentials only after
    // "Authorization:", since "basic" is an ordinary word.
    {PiiType::kSecret, R"((?i:\bbearer)\s+([A-Za-z0-9._~+/=-]{16,}))", Always},
    {PiiType::kSecret, R"((?i:\bauthorization:\s*basic)\s+([A-Za-z0-9+/]{8,}={0,2}))", Always},
    {PiiType::kEmail, R"(([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}))",
     Always},
    // Long base64/base64url tokens, confirmed by their statistics. URLs (up to their query,
    // whose values are checked) and data: URIs are skipped whole; a token must not continue a
    // dotted name, an address or a path ('.', '@', '\' or '%' before it).
    {PiiType::kSecret,
     R"((?:[A-Za-z][A-Za-z0-9+.-]*://[^\s?#"'<>]*|\bdata:[^,\s]*,[A-Za-z0-9+/=]*)|)"
     R"((?:^|[^A-Za-z0-9+/_.@\\%-])([A-Za-z0-9+/_-]{24,}={0,2})(?:$|[^A-Za-z0-9+/_=@-]))",
     Whole<IsHighEntropySecret>},
    // Groups of four after the country and check digits; the check trims a swallowed word.
    {PiiType::kIban, R"(\b([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b)",
     IbanPrefixLength},
    // US SSN with dashes anywhere; undashed only after "SSN" or "social security number".
    {PiiType::kNationalId, R"((?:^|[^\w-])([0-9]{3}-[0-9]{2}-[0-9]{4})(?:$|[^\w-]))",
     Whole<IsUsSsn>},
    {PiiType::kNationalId,
     R"((?i:\bssn|\bsocial security(?: number| no\.?)?)[\s:#.-]*([0-9]{9}|[0-9]{3} [0-9]{2} [0-9]{4})\b)",
     Whole<IsUsSsn>},
    // UK NINO "AB 12 34 56 C" or "AB123456C"; the letter classes leave out D F I Q U V (and O
    // second), the check the unallocated prefixes.
    {PiiType::kNationalId,
     R"(\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D])\b)",
     Whole<IsUkNino>},
    {PiiType::kNationalId, R"(\b([0-9]{8}-?[A-Z]|[XYZ]-?[0-9]{7}-?[A-Z])\b)",
     Whole<IsSpanishDniOrNie>},
    // The 11-test passes one 9-digit number in 11: a BSN only after its name.
    {PiiType::kNationalId,
     R"((?i:\bbsn(?:-?nummer)?|\bburgerservicenummer|\bsofi-?nummer)[\s:#.-]*)"
     R"(([0-9]{9}|[0-9]{4}\.[0-9]{2}\.[0-9]{3}|[0-9]{3} [0-9]{3} [0-9]{3})\b)",
     Whole<IsDutchBsn>},
    // Codice fiscale: surname and name letters, year, month letter, day, place, check letter.
    {PiiType::kNationalId,
     R"(\b([A-Z]{6}[0-9LMNP-V]{2}[ABCDEHLMPRST][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z])\b)",
     Whole<IsItalianFiscalCode>},
    {PiiType::kCard,
     R"(\b([0-9]{13,19}|[0-9]{4}(?:[ -][0-9]{4}){2}[ -][0-9]{1,7}|[0-9]{4}[ -][0-9]{6}[ -][0-9]{5})\b)",
     Whole<IsCardNumber>},
    // A dotted quad not inside a longer dotted run (so "1.2.3.4.5" is a version, not an IP).
    {PiiType::kIp, R"((?:^|[^\w.])((?:[0-9]{1,3}\.){3}[0-9]{1,3})(?:$|[^\w.]|\.(?:$|\W)))",
     Whole<IsIp>},
    {PiiType::kIp, R"((?:^|[^\w:.])([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?:$|[^\w:.]))",
     Whole<IsIp>},
    // International (+CC ...), or North American 3-3-4 with separators. Bare digit runs are not
    // phones: they are far more often ids, amounts and timestamps.
    {PiiType::kPhone,
     R"((?:^|[^\w+])(\+[0-9]{1,3}[ .-]?(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{1,4}(?:[ .-]?[0-9]{2,4}){1,4})\b)",
     Whole<IsPhoneNumber>},
    {PiiType::kPhone, R"((?:^|[^\w(])((?:\([0-9]{3}\) ?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4})\b)",
     Whole<IsPhoneNumber>},
};

}  // namespace

std::span<const BuiltinRule> BuiltinRules() { return kRules; }

}  // namespace arbiter
