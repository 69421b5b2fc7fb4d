#include "runner/redact/id_checks.h"

#include <string>

#include "runner/base/ascii.h"
#include "runner/redact/checks.h"

namespace arbiter {
namespace {

// The letters and digits of `text`, separators (spaces, dashes, dots) dropped.
std::string Compact(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (IsAsciiUpper(c) || IsAsciiDigit(c)) compact.push_back(c);
  }
  return compact;
}

int Number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool OneOf(std::string_view value, std::initializer_list<std::string_view> set) {
  for (std::string_view item : set) {
    if (value == item) return true;
  }
  return false;
}

}  // namespace

bool IsUsSsn(std::string_view candidate) {
  std::string digits = DigitsOf(candidate);
  if (digits.size() != 9) return false;
  int area = Number(std::string_view(digits).substr(0, 3));
  int group = Number(std::string_view(digits).substr(3, 2));
  int serial = Number(std::string_view(digits).substr(5, 4));
  return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

bool IsUkNino(std::string_view candidate) {
  std::string compact = Compact(candidate);
  if (compact.size() != 9) return false;
  constexpr std::string_view kNeverFirst = "DFIQUV";
  constexpr std::string_view kNeverSecond = "DFIOQUV";
  if (!IsAsciiUpper(compact[0]) || kNeverFirst.find(compact[0]) != std::string_view::npos)
    return false;
  if (!IsAsciiUpper(compact[1]) || kNeverSecond.find(compact[1]) != std::string_view::npos) {
    return false;
  }
  if (OneOf(std::string_view(compact).substr(0, 2), {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})) {
    return false;
  }
  for (size_t i = 2; i < 8; ++i) {
    if (!IsAsciiDigit(compact[i])) return false;
  }
  return compact[8] >= 'A' && compact[8] <= 'D';
}

bool IsSpanishDniOrNie(std::string_view candidate) {
  std::string compact = Compact(candidate);
  if (compact.size() != 9 || !IsAsciiUpper(compact[8])) return false;
  if (compact[0] == 'X' || compact[0] == 'Y' || compact[0] == 'Z') {
    compact[0] = static_cast<char>('0' + (compact[0] - 'X'));
  }
  for (size_t i = 0; i < 8; ++i) {
    if (!IsAsciiDigit(compact[i])) return false;
  }
  constexpr std::string_view kLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
  return compact[8] == kLetters[Number(std::string_view(compact).substr(0, 8)) % 23];
}

bool IsDutchBsn(std::string_view candidate) {
  std::string digits = DigitsOf(candidate);
  if (digits.size() != 9 || digits == "000000000") return false;
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) sum += static_cast<int>(9 - i) * (digits[i] - '0');
  sum -= digits[8] - '0';
  return sum % 11 == 0;
}

bool IsItalianFiscalCode(std::string_view candidate) {
  if (candidate.size() != 16) return false;
  // The value of a character in an odd position, for '0'-'9' and for 'A'-'Z' (digits and the
  // letters A-J share values).
  constexpr int kOddValue[26] = {1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                                 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};
  int sum = 0;
  for (size_t i = 0; i < 15; ++i) {
    char c = candidate[i];
    int index;
    if (IsAsciiDigit(c)) {
      index = c - '0';
    } else if (IsAsciiUpper(c)) {
      index = c - 'A';
    } else {
      return false;
    }
    sum += i % 2 == 0 ? kOddValue[index] : index;
  }
  return candidate[15] == 'A' + sum % 26;
}

}  // namespace arbiter
