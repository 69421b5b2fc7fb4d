// ASCII character classes without the C locale (std::isdigit and friends take an int, are
// undefined for negative chars and may accept more under another locale).
#pragma once

namespace arbiter {

constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace arbiter
