// RFC 3339 timestamps <-> Unix nanoseconds, for our `timestamp` field (UTC, "Z") and OTLP's
// *UnixNano times. Pure arithmetic on the proleptic Gregorian calendar: no time zone database.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace arbiter {

// "2026-11-20T10:00:00Z"; fractional seconds only when present, in 3, 6 or 9 digits
// ("2026-11-20T10:00:00.250Z").
std::string FormatRfc3339(uint64_t unix_nano);

// "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+hh:mm|-hh:mm)" ('t', 'z' and ' ' for 'T' accepted) at or after
// 1970-01-01T00:00:00Z. False when `text` is not of that form.
bool ParseRfc3339(std::string_view text, uint64_t& unix_nano);

}  // namespace arbiter
