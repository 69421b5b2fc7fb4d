#include "datasets/demo/demo_template.h"

#include <cstdio>
#include <cstdlib>

namespace arbiter::demo {
namespace {

const std::string* Field(std::string_view name, const Vars& vars) {
  struct Entry {
    std::string_view name;
    const std::string Vars::*field;
  };
  static constexpr Entry kFields[] = {
      {"order", &Vars::order},   {"invoice", &Vars::invoice},   {"amount", &Vars::amount},
      {"cur", &Vars::cur},       {"tracking", &Vars::tracking}, {"carrier", &Vars::carrier},
      {"date", &Vars::date},     {"account", &Vars::account},   {"plan", &Vars::plan},
      {"ticket", &Vars::ticket}, {"tool", &Vars::tool},         {"pii", &Vars::pii},
      {"cite", &Vars::cite},     {"cite2", &Vars::cite2},
  };
  for (const Entry& entry : kFields) {
    if (entry.name == name) return &(vars.*entry.field);
  }
  return nullptr;
}

// Days since 1970-01-01 to a civil date (proleptic Gregorian): H. Hinnant's days_from_civil
// inverse, exact for every day in range and independent of the C library's time zone.
void CivilFromDays(int64_t days, int& year, int& month, int& day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

}  // namespace

void Expand(std::string& out, std::string_view tmpl, const Vars& vars) {
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find('{', i);
    if (open == std::string_view::npos) {
      out.append(tmpl.substr(i));
      return;
    }
    size_t close = tmpl.find('}', open);
    const std::string* value = close == std::string_view::npos
                                   ? nullptr
                                   : Field(tmpl.substr(open + 1, close - open - 1), vars);
    if (value == nullptr) {
      std::fprintf(stderr, "demo content: bad placeholder in \"%.*s\"\n",
                   static_cast<int>(tmpl.size()), tmpl.data());
      std::abort();
    }
    out.append(tmpl.substr(i, open - i));
    out.append(*value);
    i = close + 1;
  }
}

std::string Expand(std::string_view tmpl, const Vars& vars) {
  std::string out;
  Expand(out, tmpl, vars);
  return out;
}

void AppendInt(std::string& out, int64_t value, int width) {
  char digits[24];
  int n = 0;
  bool negative = value < 0;
  uint64_t v = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n < width) digits[n++] = '0';
  if (negative) out.push_back('-');
  while (n > 0) out.push_back(digits[--n]);
}

void AppendAmount(std::string& out, int64_t cents, bool minor_units) {
  if (!minor_units) {
    AppendInt(out, cents);
    return;
  }
  AppendInt(out, cents / 100);
  out.push_back('.');
  AppendInt(out, cents % 100, 2);
}

void AppendDate(std::string& out, int64_t unix_seconds) {
  int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  int year = 0, month = 0, day = 0;
  CivilFromDays(days, year, month, day);
  AppendInt(out, year, 4);
  out.push_back('-');
  AppendInt(out, month, 2);
  out.push_back('-');
  AppendInt(out, day, 2);
}

void AppendTimestamp(std::string& out, int64_t unix_seconds) {
  AppendDate(out, unix_seconds);
  int64_t second_of_day =
      unix_seconds -
      (unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400) * 86400;
  out.push_back('T');
  AppendInt(out, second_of_day / 3600, 2);
  out.push_back(':');
  AppendInt(out, second_of_day / 60 % 60, 2);
  out.push_back(':');
  AppendInt(out, second_of_day % 60, 2);
  out.push_back('Z');
}

}  // namespace arbiter::demo
