// The response cache in DIR/judge-cache.sqlite3: one machine's runs share it.
#include <filesystem>
#include <mutex>

#include <sqlite3.h>

#include "plugins/llm_judge/response_cache.h"

namespace arbiter {
namespace {

class SqliteCache : public ResponseCache {
 public:
  ~SqliteCache() override {
    sqlite3_finalize(get_);
    sqlite3_finalize(put_);
    sqlite3_close(db_);
  }

  std::optional<CachedResponse> Get(const std::string& key) override {
    std::lock_guard lock(mutex_);
    sqlite3_reset(get_);
    sqlite3_bind_text(get_, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(get_) != SQLITE_ROW) return std::nullopt;
    CachedResponse response;
    const unsigned char* text = sqlite3_column_text(get_, 0);
    response.text.assign(reinterpret_cast<const char*>(text),
                         static_cast<size_t>(sqlite3_column_bytes(get_, 0)));
    response.input_tokens = sqlite3_column_int64(get_, 1);
    response.output_tokens = sqlite3_column_int64(get_, 2);
    sqlite3_reset(get_);
    return response;
  }

  void Put(const std::string& key, const CachedResponse& response) override {
    std::lock_guard lock(mutex_);
    sqlite3_reset(put_);
    sqlite3_bind_text(put_, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(put_, 2, response.text.data(), static_cast<int>(response.text.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_int64(put_, 3, response.input_tokens);
    sqlite3_bind_int64(put_, 4, response.output_tokens);
    sqlite3_step(put_);
    sqlite3_reset(put_);
  }

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* get_ = nullptr;
  sqlite3_stmt* put_ = nullptr;
};

}  // namespace

Result<std::shared_ptr<ResponseCache>> OpenSqliteCache(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create cache folder: " + ec.message());
  const std::string file = (std::filesystem::path(dir) / "judge-cache.sqlite3").string();
  auto cache = std::make_shared<SqliteCache>();
  auto fail = [&](const std::string& what) {
    return Status::IoError(file + ": " + what + ": " + sqlite3_errmsg(cache->db_));
  };
  if (sqlite3_open(file.c_str(), &cache->db_) != SQLITE_OK) return fail("cannot open");
  sqlite3_busy_timeout(cache->db_, 5000);  // two runs sharing a cache wait rather than fail
  // WAL without fsync per commit: a cache entry lost in a power cut is merely asked again.
  const char* setup =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
      "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, text TEXT NOT NULL,"
      " input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL);";
  if (sqlite3_exec(cache->db_, setup, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail("cannot set up the cache");
  }
  if (sqlite3_prepare_v2(cache->db_,
                         "SELECT text, input_tokens, output_tokens FROM responses WHERE key = ?",
                         -1, &cache->get_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(cache->db_, "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?)", -1,
                         &cache->put_, nullptr) != SQLITE_OK) {
    return fail("cannot prepare statements");
  }
  return std::shared_ptr<ResponseCache>(std::move(cache));
}

}  // namespace arbiter
