#include "runner/base/postgres.h"

#include <cstdlib>

#include <libpq-fe.h>

#include "runner/base/db_url.h"

namespace arbiter {
namespace {

// The advisory lock every arbiter schema change takes ("arbiter" in ASCII): creating tables
// concurrently races in the catalog (a unique violation on pg_type) even with IF NOT EXISTS.
constexpr char kSchemaLock[] = "SELECT pg_advisory_xact_lock(27428839742530930)";

constexpr char kVersionTable[] =
    "CREATE TABLE IF NOT EXISTS arbiter_schema_version ("
    " component TEXT PRIMARY KEY, version INTEGER NOT NULL)";

std::string Trimmed(const char* text) {
  std::string out = text ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

PgRows::PgRows(pg_result* result) : result_(result) {}
void PgRows::Free::operator()(pg_result* result) const { PQclear(result); }
int PgRows::size() const { return PQntuples(result_.get()); }
bool PgRows::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}
std::string PgRows::Text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}
std::optional<double> PgRows::Real(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return std::strtod(PQgetvalue(result_.get(), row, column), nullptr);
}
int64_t PgRows::Integer(int row, int column) const {
  return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

PgConnection::PgConnection(pg_conn* conn, std::string url)
    : conn_(conn), url_(std::move(url)), name_(RedactUrl(url_)) {}

PgConnection::~PgConnection() { PQfinish(conn_); }

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& url) {
  // Defaults first: with expand_dbname the URL's own settings override them. Without a
  // timeout an unreachable host would hang a CI job for the kernel's TCP timeout.
  const char* const keys[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* const values[] = {"10", "arbiter", url.c_str(), nullptr};
  std::unique_ptr<PgConnection> connection(
      new PgConnection(PQconnectdbParams(keys, values, /*expand_dbname=*/1), url));
  if (PQstatus(connection->conn_) != CONNECTION_OK) return connection->Error("cannot connect");
  // NOTICEs ("relation ... already exists, skipping") would go to stderr.
  PQsetNoticeProcessor(
      connection->conn_, [](void*, const char*) {}, nullptr);
  return connection;
}

Status PgConnection::Error(std::string_view what) const {
  std::string detail = ScrubPassword(Trimmed(PQerrorMessage(conn_)), url_);
  return Status::IoError(name_ + ": " + std::string(what) + (detail.empty() ? "" : ": ") + detail);
}

Result<PgRows> PgConnection::Exec(const std::string& sql, const std::vector<PgParam>& params) {
  if (PQstatus(conn_) == CONNECTION_BAD) PQreset(conn_);  // a restarted server, a dropped link
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& param : params) values.push_back(param ? param->c_str() : nullptr);
  // Without parameters PQexec, which also runs a script of several statements (migrations).
  PgRows rows(params.empty() ? PQexec(conn_, sql.c_str())
                             : PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()),
                                            nullptr, values.data(), nullptr, nullptr, 0));
  ExecStatusType status = PQresultStatus(rows.result_.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Error("query failed");
  return rows;
}

Status PgConnection::Migrate(const std::string& component,
                             const std::vector<std::string>& migrations) {
  ARBITER_RETURN_IF_ERROR(Exec("BEGIN").status());
  Status migrated = MigrateLocked(component, migrations);
  Status ended = Exec(migrated.ok() ? "COMMIT" : "ROLLBACK").status();
  return migrated.ok() ? ended : migrated;
}

Status PgConnection::MigrateLocked(const std::string& component,
                                   const std::vector<std::string>& migrations) {
  ARBITER_RETURN_IF_ERROR(Exec(kSchemaLock).status());
  ARBITER_RETURN_IF_ERROR(Exec(kVersionTable).status());
  const size_t latest = migrations.size();
  ARBITER_ASSIGN_OR_RETURN(size_t version, SchemaVersion(component, latest));
  if (version == latest) return Status::OK();
  for (; version < latest; ++version) ARBITER_RETURN_IF_ERROR(Exec(migrations[version]).status());
  return Exec(
             "INSERT INTO arbiter_schema_version VALUES ($1, $2::integer) "
             "ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version",
             {component, std::to_string(latest)})
      .status();
}

Result<bool> PgConnection::HasSchema(const std::string& component, size_t latest) {
  ARBITER_ASSIGN_OR_RETURN(size_t version, SchemaVersion(component, latest));
  return version > 0;
}

Result<size_t> PgConnection::SchemaVersion(const std::string& component, size_t latest) {
  ARBITER_ASSIGN_OR_RETURN(PgRows table,
                           Exec("SELECT to_regclass('arbiter_schema_version') IS NOT NULL"));
  if (table.Text(0, 0) != "t") return size_t{0};
  ARBITER_ASSIGN_OR_RETURN(
      PgRows rows,
      Exec("SELECT version FROM arbiter_schema_version WHERE component = $1", {component}));
  size_t version = rows.size() == 0 ? 0 : static_cast<size_t>(rows.Integer(0, 0));
  if (version > latest) {
    return Status::InvalidArgument(name_ + ": the " + component + " tables are at schema version " +
                                   std::to_string(version) + "; this arbiter knows up to " +
                                   std::to_string(latest) + " (upgrade arbiter)");
  }
  return version;
}

}  // namespace arbiter
