#include "runner/calibration/history_store.h"

#include <filesystem>

#include <sqlite3.h>

namespace arbiter {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS calibrations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  evaluator TEXT NOT NULL,
  evaluator_version INTEGER NOT NULL,
  failure_mode TEXT NOT NULL,
  label_set TEXT NOT NULL,
  label_set_sha256 TEXT NOT NULL,
  calibrated_at TEXT NOT NULL,
  labels INTEGER NOT NULL,
  mcc REAL,
  spearman REAL,
  role TEXT NOT NULL,
  figures TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS calibrations_by_evaluator
  ON calibrations (evaluator, evaluator_version, id);
)sql";

constexpr char kColumns[] =
    "SELECT id, evaluator, evaluator_version, failure_mode, label_set, label_set_sha256, "
    "calibrated_at, labels, mcc, spearman, role, figures FROM calibrations ";

// Statements are finalized however a function returns.
struct Statement {
  sqlite3_stmt* stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
};

std::string Text(sqlite3_stmt* stmt, int column) {
  const unsigned char* text = sqlite3_column_text(stmt, column);
  return text ? reinterpret_cast<const char*>(text) : "";
}

std::optional<double> Real(sqlite3_stmt* stmt, int column) {
  if (sqlite3_column_type(stmt, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(stmt, column);
}

}  // namespace

Result<std::unique_ptr<HistoryStore>> HistoryStore::Open(const std::string& path, bool create) {
  namespace fs = std::filesystem;
  if (!create && !fs::exists(path)) return Status::NotFound(path + ": no history store");
  if (create && fs::path(path).has_parent_path()) {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
  }
  sqlite3* db = nullptr;
  int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = path + ": cannot open history store: " + sqlite3_errmsg(db);
    sqlite3_close(db);
    return Status::IoError(message);
  }
  sqlite3_busy_timeout(db, 5000);  // concurrent CI jobs writing one store wait, not fail
  std::unique_ptr<HistoryStore> store(new HistoryStore(db));
  if (create) {
    char* error = nullptr;
    if (sqlite3_exec(db, kSchema, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = path + ": " + (error ? error : "cannot create schema");
      sqlite3_free(error);
      return Status::IoError(message);
    }
  }
  return store;
}

std::optional<double> Agreement(const CalibrationRecord& record) {
  return record.mcc ? record.mcc : record.spearman;
}

const CalibrationRecord* FindDrift(const std::vector<const CalibrationRecord*>& records,
                                   double threshold) {
  if (records.size() < 2) return nullptr;
  const CalibrationRecord* latest = records.back();
  for (auto it = records.rbegin() + 1; it != records.rend(); ++it) {
    const CalibrationRecord* earlier = *it;
    if (earlier->evaluator_version != latest->evaluator_version ||
        earlier->label_set_sha256 == latest->label_set_sha256) {
      continue;
    }
    auto now = Agreement(*latest), before = Agreement(*earlier);
    return now && before && *before - *now > threshold ? earlier : nullptr;
  }
  return nullptr;
}

HistoryStore::~HistoryStore() { sqlite3_close(db_); }

Status HistoryStore::Record(const CalibrationRecord& r) {
  Statement s;
  const char* sql =
      "INSERT INTO calibrations (evaluator, evaluator_version, failure_mode, label_set, "
      "label_set_sha256, calibrated_at, labels, mcc, spearman, role, figures) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  if (sqlite3_prepare_v2(db_, sql, -1, &s.stmt, nullptr) != SQLITE_OK) {
    return Status::IoError(std::string("history store: ") + sqlite3_errmsg(db_));
  }
  std::string figures = r.figures.dump();
  std::string role = RoleName(r.role);
  sqlite3_bind_text(s.stmt, 1, r.evaluator.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(s.stmt, 2, r.evaluator_version);
  sqlite3_bind_text(s.stmt, 3, r.failure_mode.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 4, r.label_set.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 5, r.label_set_sha256.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 6, r.calibrated_at.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(s.stmt, 7, r.labels);
  if (r.mcc)
    sqlite3_bind_double(s.stmt, 8, *r.mcc);
  else
    sqlite3_bind_null(s.stmt, 8);
  if (r.spearman)
    sqlite3_bind_double(s.stmt, 9, *r.spearman);
  else
    sqlite3_bind_null(s.stmt, 9);
  sqlite3_bind_text(s.stmt, 10, role.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 11, figures.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s.stmt) != SQLITE_DONE) {
    return Status::IoError(std::string("history store: ") + sqlite3_errmsg(db_));
  }
  return Status::OK();
}

Result<std::vector<CalibrationRecord>> HistoryStore::Query(
    const std::string& sql, const std::vector<std::string>& text_args, std::optional<int> int_arg) {
  Statement s;
  std::string full = kColumns + sql;
  if (sqlite3_prepare_v2(db_, full.c_str(), -1, &s.stmt, nullptr) != SQLITE_OK) {
    return Status::IoError(std::string("history store: ") + sqlite3_errmsg(db_));
  }
  int index = 1;
  for (const std::string& arg : text_args) {
    sqlite3_bind_text(s.stmt, index++, arg.c_str(), -1, SQLITE_TRANSIENT);
  }
  if (int_arg) sqlite3_bind_int(s.stmt, index++, *int_arg);
  std::vector<CalibrationRecord> records;
  int step;
  while ((step = sqlite3_step(s.stmt)) == SQLITE_ROW) {
    CalibrationRecord r;
    r.id = sqlite3_column_int64(s.stmt, 0);
    r.evaluator = Text(s.stmt, 1);
    r.evaluator_version = sqlite3_column_int(s.stmt, 2);
    r.failure_mode = Text(s.stmt, 3);
    r.label_set = Text(s.stmt, 4);
    r.label_set_sha256 = Text(s.stmt, 5);
    r.calibrated_at = Text(s.stmt, 6);
    r.labels = sqlite3_column_int(s.stmt, 7);
    r.mcc = Real(s.stmt, 8);
    r.spearman = Real(s.stmt, 9);
    std::string role = Text(s.stmt, 10);
    std::optional<Role> parsed = ParseRole(role);
    if (!parsed) {
      return Status::Corruption("history store: calibration " + std::to_string(r.id) +
                                " has an unknown role '" + role + "'");
    }
    r.role = *parsed;
    r.figures =
        nlohmann::ordered_json::parse(Text(s.stmt, 11), nullptr, /*allow_exceptions=*/false);
    records.push_back(std::move(r));
  }
  if (step != SQLITE_DONE)
    return Status::IoError(std::string("history store: ") + sqlite3_errmsg(db_));
  return records;
}

Result<std::optional<CalibrationRecord>> HistoryStore::Latest(const std::string& evaluator,
                                                              int version) {
  ARBITER_ASSIGN_OR_RETURN(
      auto records, Query("WHERE evaluator = ? AND evaluator_version = ? ORDER BY id DESC LIMIT 1",
                          {evaluator}, version));
  if (records.empty()) return std::optional<CalibrationRecord>();
  return std::optional<CalibrationRecord>(std::move(records.front()));
}

Result<std::vector<CalibrationRecord>> HistoryStore::All() {
  return Query("ORDER BY evaluator, id", {}, std::nullopt);
}

}  // namespace arbiter
