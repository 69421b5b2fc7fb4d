// The two homes of the history store, chosen by HistoryStore::Open by the location's scheme,
// and the SQL and decoding they share ($1-style parameters read the same in SQLite and
// PostgreSQL).
#pragma once

#include <memory>
#include <string>

#include "runner/calibration/history_store.h"

namespace arbiter {

// The columns after `id`, whose type differs (SQLite's AUTOINCREMENT, PostgreSQL's identity).
// SQLite reads DOUBLE PRECISION as REAL; PostgreSQL's REAL would be a 4-byte float.
inline constexpr char kRecordColumns[] = R"sql(
  evaluator TEXT NOT NULL,
  evaluator_version INTEGER NOT NULL,
  failure_mode TEXT NOT NULL,
  label_set TEXT NOT NULL,
  label_set_sha256 TEXT NOT NULL,
  calibrated_at TEXT NOT NULL,
  labels INTEGER NOT NULL,
  mcc DOUBLE PRECISION,
  spearman DOUBLE PRECISION,
  role TEXT NOT NULL,
  figures TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS calibrations_by_evaluator
  ON calibrations (evaluator, evaluator_version, id);
)sql";

inline constexpr char kSelectRecords[] =
    "SELECT id, evaluator, evaluator_version, failure_mode, label_set, label_set_sha256, "
    "calibrated_at, labels, mcc, spearman, role, figures FROM calibrations ";

inline constexpr char kInsertRecord[] =
    "INSERT INTO calibrations (evaluator, evaluator_version, failure_mode, label_set, "
    "label_set_sha256, calibrated_at, labels, mcc, spearman, role, figures) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

Result<std::unique_ptr<HistoryStore>> OpenSqliteHistory(const std::string& path, bool create);
Result<std::unique_ptr<HistoryStore>> OpenPostgresHistory(const std::string& url, bool create);

// Sets the record's role and figures from their stored text; an unknown role is Corruption.
Status DecodeRoleAndFigures(const std::string& role, const std::string& figures,
                            CalibrationRecord& record);

}  // namespace arbiter
