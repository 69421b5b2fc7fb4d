// Where shared state lives: a local path (SQLite), or a PostgreSQL URL
// (`postgresql://user:password@host:port/db?host=/socket/dir`). A URL may carry a password;
// whatever names the database in a message or an output goes through RedactUrl first.
#pragma once

#include <string>
#include <string_view>

namespace arbiter {

// True for `postgresql://` and `postgres://` URLs (libpq's two URI schemes).
bool IsPostgresUrl(std::string_view location);

// `location` with a URL's password (`user:PASSWORD@`, `?password=PASSWORD`) replaced by `***`;
// anything else unchanged. What to show the user instead of the location itself.
std::string RedactUrl(std::string_view location);

// `text` (say, libpq's error message) with every copy of the password that `url` carries, as
// written or percent-decoded, replaced by `***`.
std::string ScrubPassword(std::string text, std::string_view url);

}  // namespace arbiter
