// National ID numbers of common formats, each confirmed by its issuer's validity rules so that
// order numbers, dates and codes of the same shape stay. Each check takes the candidate as the
// rule's regex found it (separators included) and returns whether it is a possible number.
#pragma once

#include <string_view>

namespace arbiter {

// US Social Security number AAA-GG-SSSS (separators ignored, 9 digits). The SSA never issues
// area 000, 666 or 900-999 (the 9xx range holds ITINs), group 00 or serial 0000; since 2011 every
// other area may be assigned, so nothing else is rejected.
bool IsUsSsn(std::string_view candidate);

// UK National Insurance number: two prefix letters, six digits, suffix A-D (spaces ignored).
// HMRC never uses D, F, I, Q, U or V in either prefix letter, nor O as the second, and does not
// allocate the prefixes BG, GB, KN, NK, NT, TN and ZZ (so HMRC's own example "QQ 12 34 56 C" is
// not a number).
bool IsUkNino(std::string_view candidate);

// Spanish DNI (8 digits and a letter) or NIE (X, Y or Z, 7 digits and a letter; the first
// letter stands for 0, 1, 2); a dash before the letters is allowed. The letter is the check:
// "TRWAGMYFPDXBNJZSQVHLCKE"[number mod 23].
bool IsSpanishDniOrNie(std::string_view candidate);

// Dutch BSN: 9 digits (dots and spaces ignored) passing the "11-test":
// 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11, and not all zero. One random 9-digit number
// in 11 passes, so the rule only looks for one right after "BSN" or "burgerservicenummer".
bool IsDutchBsn(std::string_view candidate);

// Italian codice fiscale: 16 characters whose last is the check letter: characters in odd
// positions (1st, 3rd, ...) map through the Ministry's table, even ones to their value (digits
// 0-9, letters A-Z as 0-25), and the sum mod 26 is the letter. The shape (six letters, the
// birth date with a month letter, the place code) is the rule's regex; digits replaced by the
// letters L-V for homocodes are accepted there.
bool IsItalianFiscalCode(std::string_view candidate);

}  // namespace arbiter
