#include "runner/redact/checks.h"

#include <arpa/inet.h>

#include <cctype>
#include <string>

#include "runner/base/ascii.h"

namespace arbiter {
namespace {

bool LuhnValid(const std::string& digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int digit = *it - '0';
    if (twice) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// ISO 13616: move the first four characters to the end, letters become 10..35, remainder mod 97.
bool IbanChecksumValid(const std::string& compact) {
  if (compact.size() < 15 || compact.size() > 34) return false;
  if (!std::isupper(static_cast<unsigned char>(compact[0])) ||
      !std::isupper(static_cast<unsigned char>(compact[1])) || !IsAsciiDigit(compact[2]) ||
      !IsAsciiDigit(compact[3])) {
    return false;
  }
  std::string rearranged = compact.substr(4) + compact.substr(0, 4);
  int remainder = 0;
  for (char c : rearranged) {
    if (IsAsciiDigit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (std::isupper(static_cast<unsigned char>(c))) {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return remainder == 1;
}

}  // namespace

std::string DigitsOf(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (IsAsciiDigit(c)) digits.push_back(c);
  }
  return digits;
}

bool IsCardNumber(std::string_view candidate) {
  std::string digits = DigitsOf(candidate);
  if (digits.size() < 13 || digits.size() > 19) return false;
  if (digits[0] < '2' || digits[0] > '6') return false;
  return LuhnValid(digits);
}

size_t IbanPrefixLength(std::string_view candidate) {
  // Try the whole candidate, then drop one space-separated group at a time from the end.
  size_t end = candidate.size();
  while (end > 0) {
    std::string compact;
    for (char c : candidate.substr(0, end)) {
      if (c != ' ') compact.push_back(c);
    }
    if (IbanChecksumValid(compact)) return end;
    size_t space = candidate.rfind(' ', end - 1);
    if (space == std::string_view::npos) break;
    end = space;
  }
  return 0;
}

bool IsIpv4(std::string_view candidate) {
  int octet = 0, digits = 0, dots = 0;
  for (char c : candidate) {
    if (IsAsciiDigit(c)) {
      octet = octet * 10 + (c - '0');
      if (++digits > 3 || octet > 255) return false;
    } else if (c == '.') {
      if (digits == 0) return false;
      ++dots;
      octet = digits = 0;
    } else {
      return false;
    }
  }
  return dots == 3 && digits > 0;
}

bool IsIpv6(std::string_view candidate) {
  if (candidate.size() > 39) return false;
  std::string text(candidate);
  in6_addr address;
  if (inet_pton(AF_INET6, text.c_str(), &address) != 1) return false;
  int groups = 0, hex_digits = 0;
  bool in_group = false;
  for (char c : text) {
    bool hex = std::isxdigit(static_cast<unsigned char>(c)) != 0;
    if (hex && !in_group) ++groups;
    hex_digits += hex ? 1 : 0;
    in_group = hex;
  }
  return groups >= 2 && hex_digits >= 4;
}

bool IsPhoneNumber(std::string_view candidate) {
  size_t digits = DigitsOf(candidate).size();
  return digits >= 7 && digits <= 15;
}

}  // namespace arbiter
