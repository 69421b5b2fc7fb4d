// The history store in PostgreSQL, shared by CI runners and shards. Each Record is one INSERT
// (its own transaction), so concurrent writers need nothing more; ids come from an identity
// column, so "insertion order" is the order the server committed them.
#include <cstdio>
#include <string>
#include <vector>

#include "runner/base/postgres.h"
#include "runner/calibration/history_backends.h"

namespace arbiter {
namespace {

constexpr char kCreateTable[] =
    "CREATE TABLE IF NOT EXISTS calibrations (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,";

// 17 significant digits: the double reads back bit for bit.
PgParam RealParam(std::optional<double> value) {
  if (!value) return std::nullopt;
  char text[32];
  std::snprintf(text, sizeof(text), "%.17g", *value);
  return std::string(text);
}

class PostgresHistoryStore : public HistoryStore {
 public:
  explicit PostgresHistoryStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Status Record(const CalibrationRecord& r) override {
    return db_
        ->Exec(kInsertRecord,
               {r.evaluator, std::to_string(r.evaluator_version), r.failure_mode, r.label_set,
                r.label_set_sha256, r.calibrated_at, std::to_string(r.labels), RealParam(r.mcc),
                RealParam(r.spearman), RoleName(r.role), r.figures.dump()})
        .status();
  }

 protected:
  Result<std::vector<CalibrationRecord>> Select(const std::string& clause,
                                                const std::vector<std::string>& params) override {
    ARBITER_ASSIGN_OR_RETURN(
        PgRows rows,
        db_->Exec(kSelectRecords + clause, std::vector<PgParam>(params.begin(), params.end())));
    std::vector<CalibrationRecord> records;
    for (int i = 0; i < rows.size(); ++i) {
      CalibrationRecord r;
      r.id = rows.Integer(i, 0);
      r.evaluator = rows.Text(i, 1);
      r.evaluator_version = static_cast<int>(rows.Integer(i, 2));
      r.failure_mode = rows.Text(i, 3);
      r.label_set = rows.Text(i, 4);
      r.label_set_sha256 = rows.Text(i, 5);
      r.calibrated_at = rows.Text(i, 6);
      r.labels = static_cast<int>(rows.Integer(i, 7));
      r.mcc = rows.Real(i, 8);
      r.spearman = rows.Real(i, 9);
      ARBITER_RETURN_IF_ERROR(DecodeRoleAndFigures(rows.Text(i, 10), rows.Text(i, 11), r));
      records.push_back(std::move(r));
    }
    return records;
  }

 private:
  std::unique_ptr<PgConnection> db_;
};

}  // namespace

Result<std::unique_ptr<HistoryStore>> OpenPostgresHistory(const std::string& url, bool create) {
  ARBITER_ASSIGN_OR_RETURN(auto db, PgConnection::Connect(url));
  // Schema version 1. Later versions append a migration; none is ever edited.
  const std::vector<std::string> migrations = {std::string(kCreateTable) + kRecordColumns};
  if (create) {
    ARBITER_RETURN_IF_ERROR(db->Migrate("history", migrations));
  } else {
    // Reading never creates: a database nobody calibrated into has no store, as a missing file.
    ARBITER_ASSIGN_OR_RETURN(bool exists, db->HasSchema("history", migrations.size()));
    if (!exists) return Status::NotFound(db->name() + ": no history store");
  }
  return std::unique_ptr<HistoryStore>(std::make_unique<PostgresHistoryStore>(std::move(db)));
}

}  // namespace arbiter
