// Checksums and shape checks that turn a regex candidate into a confirmed piece of PII, so that
// order numbers, dates and version strings that merely look like one are left alone.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace arbiter {

// The digits of `text`, separators dropped.
std::string DigitsOf(std::string_view text);

// Payment card: 13 to 19 digits (spaces and dashes ignored), an issuer first digit (2-6) and a
// valid Luhn check digit.
bool IsCardNumber(std::string_view candidate);

// IBAN: country letters, check digits and 11-30 alphanumerics (spaces ignored) whose ISO 13616
// mod-97 remainder is 1. Returns the length of the longest prefix of `candidate` that ends at a
// group boundary and is a valid IBAN (a trailing word the regex swallowed is dropped), or 0.
size_t IbanPrefixLength(std::string_view candidate);

// IPv4 dotted quad with every octet at most 255.
bool IsIpv4(std::string_view candidate);

// IPv6 accepted by inet_pton with at least two non-empty groups and four hex digits
// ("fe80::1"; not "::", "a::" or the "a::b" of C++ text).
bool IsIpv6(std::string_view candidate);

// Phone number: 7 to 15 digits (E.164 allows at most 15).
bool IsPhoneNumber(std::string_view candidate);

}  // namespace arbiter
