// A PostgreSQL connection (libpq) for shared state: the calibration history and the judge's
// response cache, when `--history` / `--cache` name a `postgresql://` URL. Errors name the
// database by its redacted URL and never carry the password. Not thread-safe: one caller at a
// time per connection.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/status.h"

struct pg_conn;
struct pg_result;

namespace arbiter {

// The rows a statement returned, all as text (libpq's text format).
class PgRows {
 public:
  explicit PgRows(pg_result* result);
  int size() const;
  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;
  std::optional<double> Real(int row, int column) const;  // nullopt for NULL
  int64_t Integer(int row, int column) const;

 private:
  friend class PgConnection;  // reads the status of the result it made
  struct Free {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Free> result_;
};

// A statement parameter; nullopt is SQL NULL.
using PgParam = std::optional<std::string>;

class PgConnection {
 public:
  // Connects to `url` (a postgresql:// or postgres:// URL; the password may also come from
  // PGPASSWORD or ~/.pgpass, as libpq reads them).
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with $1, $2, ... bound to `params`.
  Result<PgRows> Exec(const std::string& sql, const std::vector<PgParam>& params = {});

  // Brings `component`'s tables to version migrations.size(): migrations[i] takes the schema
  // from version i to i + 1. The version is kept in arbiter_schema_version. Safe when several
  // processes start at once: one transaction under an advisory lock.
  Status Migrate(const std::string& component, const std::vector<std::string>& migrations);
  // Whether `component`'s tables exist (false: never created here), for readers that must not
  // create them. An error when their schema is newer than `latest`, the version this arbiter
  // knows.
  Result<bool> HasSchema(const std::string& component, size_t latest);

  // The URL with its password replaced: how messages name this database.
  const std::string& name() const { return name_; }

 private:
  PgConnection(pg_conn* conn, std::string url);
  Status Error(std::string_view what) const;
  Status MigrateLocked(const std::string& component, const std::vector<std::string>& migrations);
  // `component`'s schema version, 0 when absent; an error when newer than `latest`.
  Result<size_t> SchemaVersion(const std::string& component, size_t latest);

  pg_conn* conn_;
  std::string url_;
  std::string name_;
};

}  // namespace arbiter
