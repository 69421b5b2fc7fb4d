// The history store in a SQLite file: one process's default, and several CI jobs on one
// machine (they wait on each other's writes for up to 5 s).
#include <filesystem>

#include <sqlite3.h>

#include "runner/base/path_checks.h"
#include "runner/calibration/history_backends.h"

namespace arbiter {
namespace {

constexpr char kCreateTable[] =
    "CREATE TABLE IF NOT EXISTS calibrations (id INTEGER PRIMARY KEY AUTOINCREMENT,";

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

void BindReal(sqlite3_stmt* stmt, int index, std::optional<double> value) {
  if (value)
    sqlite3_bind_double(stmt, index, *value);
  else
    sqlite3_bind_null(stmt, index);
}

class SqliteHistoryStore : public HistoryStore {
 public:
  explicit SqliteHistoryStore(sqlite3* db) : db_(db) {}
  ~SqliteHistoryStore() override { sqlite3_close(db_); }
  SqliteHistoryStore(const SqliteHistoryStore&) = delete;
  SqliteHistoryStore& operator=(const SqliteHistoryStore&) = delete;

  Status Record(const CalibrationRecord& r) override {
    Statement s;
    if (sqlite3_prepare_v2(db_, kInsertRecord, -1, &s.stmt, nullptr) != SQLITE_OK) return Error();
    std::string figures = r.figures.dump();
    std::string role = RoleName(r.role);
    sqlite3_bind_text(s.stmt, 1, r.evaluator.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s.stmt, 2, r.evaluator_version);
    sqlite3_bind_text(s.stmt, 3, r.failure_mode.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s.stmt, 4, r.label_set.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s.stmt, 5, r.label_set_sha256.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s.stmt, 6, r.calibrated_at.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s.stmt, 7, r.labels);
    BindReal(s.stmt, 8, r.mcc);
    BindReal(s.stmt, 9, r.spearman);
    sqlite3_bind_text(s.stmt, 10, role.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s.stmt, 11, figures.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s.stmt) != SQLITE_DONE) return Error();
    return Status::OK();
  }

 protected:
  // `params` are bound as text: SQLite compares them to INTEGER columns as numbers.
  Result<std::vector<CalibrationRecord>> Select(const std::string& clause,
                                                const std::vector<std::string>& params) override {
    Statement s;
    std::string sql = kSelectRecords + clause;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s.stmt, nullptr) != SQLITE_OK) return Error();
    for (size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_text(s.stmt, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    }
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
      ARBITER_RETURN_IF_ERROR(DecodeRoleAndFigures(Text(s.stmt, 10), Text(s.stmt, 11), r));
      records.push_back(std::move(r));
    }
    if (step != SQLITE_DONE) return Error();
    return records;
  }

 private:
  Status Error() const {
    return Status::IoError(std::string("history store: ") + sqlite3_errmsg(db_));
  }

  sqlite3* db_;
};

}  // namespace

Result<std::unique_ptr<HistoryStore>> OpenSqliteHistory(const std::string& path, bool create) {
  namespace fs = std::filesystem;
  if (!create && !PathExists(path)) return Status::NotFound(path + ": no history store");
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
  // SQLite opens any file lazily; a file that is not a database fails at the first statement,
  // where the message would not name it. Ask now: a wrong path is the user's to fix (exit 2).
  if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) !=
      SQLITE_OK) {
    std::string message = path + ": not a history store (" + sqlite3_errmsg(db) + ")";
    sqlite3_close(db);
    return Status::InvalidArgument(message);
  }
  auto store = std::make_unique<SqliteHistoryStore>(db);
  if (create) {
    char* error = nullptr;
    std::string schema = std::string(kCreateTable) + kRecordColumns;
    if (sqlite3_exec(db, schema.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = path + ": " + (error ? error : "cannot create schema");
      sqlite3_free(error);
      return Status::IoError(message);
    }
  }
  return std::unique_ptr<HistoryStore>(std::move(store));
}

}  // namespace arbiter
