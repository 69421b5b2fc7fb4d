// The response cache in PostgreSQL, shared by every runner and shard that names the same URL.
// Two processes judging the same trace at once both call the model; the first answer stored
// wins (ON CONFLICT DO NOTHING) and every later run reads that one.
#include <mutex>

#include "plugins/llm_judge/response_cache.h"
#include "runner/base/postgres.h"

namespace arbiter {
namespace {

// Schema version 1. Later versions append a migration; none is ever edited.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE IF NOT EXISTS judge_responses (
  key TEXT PRIMARY KEY,
  text TEXT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL
);
)sql";

class PostgresCache : public ResponseCache {
 public:
  explicit PostgresCache(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  std::optional<CachedResponse> Get(const std::string& key) override {
    std::lock_guard lock(mutex_);
    auto rows = db_->Exec(
        "SELECT text, input_tokens, output_tokens FROM judge_responses WHERE key = $1", {key});
    if (!rows.ok() || rows->size() == 0) return std::nullopt;
    return CachedResponse{rows->Text(0, 0), rows->Integer(0, 1), rows->Integer(0, 2)};
  }

  void Put(const std::string& key, const CachedResponse& response) override {
    std::lock_guard lock(mutex_);
    (void)db_->Exec(
        "INSERT INTO judge_responses VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING",
        {key, response.text, std::to_string(response.input_tokens),
         std::to_string(response.output_tokens)});
  }

 private:
  std::mutex mutex_;  // a libpq connection serves one caller at a time
  std::unique_ptr<PgConnection> db_;
};

}  // namespace

Result<std::shared_ptr<ResponseCache>> OpenPostgresCache(const std::string& url) {
  ARBITER_ASSIGN_OR_RETURN(auto db, PgConnection::Connect(url));
  ARBITER_RETURN_IF_ERROR(db->Migrate("judge_cache", {kSchemaV1}));
  return std::shared_ptr<ResponseCache>(std::make_shared<PostgresCache>(std::move(db)));
}

}  // namespace arbiter
