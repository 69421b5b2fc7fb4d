// Filling the demo texts' {placeholders}, and the few number and date formats the generator
// writes by hand (no printf-family calls per trace: the benchmark input has a million traces).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace arbiter::demo {

// The values one trace's texts refer to. Every field is already formatted text.
struct Vars {
  std::string order;     // ORD-2026-123456
  std::string invoice;   // INV-2026-01234
  std::string amount;    // 49.90 (or 4990 for JPY)
  std::string cur;       // EUR
  std::string tracking;  // 1Z4F8K2W0123456789
  std::string carrier;   // UPS
  std::string date;      // 2026-11-05
  std::string account;   // ACC-482913
  std::string plan;      // Team
  std::string ticket;    // TCK-40211
  std::string tool;      // the failed tool an ack names
  std::string pii;       // the leaked value a PII sentence names
  std::string cite;      // " [doc1]", "[doc1]" in Japanese, or "" when the answer cites nothing
  std::string cite2;
};

// Appends `tmpl` to `out` with each {name} replaced by the Vars field of that name. Text without
// braces is copied as is. An unknown name aborts: it is a typo in the content tables, and the
// generator's test expands every table entry.
void Expand(std::string& out, std::string_view tmpl, const Vars& vars);
std::string Expand(std::string_view tmpl, const Vars& vars);

// Decimal digits of `value`, left-padded with zeros to at least `width` digits.
void AppendInt(std::string& out, int64_t value, int width = 0);

// `cents` as a decimal amount: "49.90"; for currencies without minor units (JPY) the value is
// taken as whole units: "4990".
void AppendAmount(std::string& out, int64_t cents, bool minor_units);

// Seconds since the Unix epoch (UTC) as "2026-11-01T09:30:00Z", or the date part alone.
void AppendTimestamp(std::string& out, int64_t unix_seconds);
void AppendDate(std::string& out, int64_t unix_seconds);

// The Unix time of 2026-11-01T00:00:00Z, where the demo's clock starts.
inline constexpr int64_t kDemoEpoch = 1793491200;

}  // namespace arbiter::demo
