// The judge's persistent response cache, keyed by a hash of everything that can change an
// answer (provider, model, rubric id and version, the rendered prompt, the sampling parameters,
// the sample index). It lives in SQLite at DIR/judge-cache.sqlite3, or in PostgreSQL (a
// `postgresql://` URL), where CI runners and shards share it and never pay for one judgment
// twice. Only answers that parsed are stored, and never a request header, so no API key reaches
// the store. Thread-safe (one connection, one lock).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "runner/base/status.h"

namespace arbiter {

struct CachedResponse {
  std::string text;  // the model's answer
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
};

class ResponseCache {
 public:
  // Opens (creating) the cache at `location`: a folder (DIR/judge-cache.sqlite3) or a
  // postgresql:// (postgres://) URL. Messages name a URL without its password.
  static Result<std::shared_ptr<ResponseCache>> Open(const std::string& location);
  // The cache at `location` shared by every evaluator of the process.
  static Result<std::shared_ptr<ResponseCache>> Shared(const std::string& location);
  virtual ~ResponseCache() = default;

  // A failed read is a miss.
  virtual std::optional<CachedResponse> Get(const std::string& key) = 0;
  // A failed write only costs a call next run. Safe while other processes put the same key.
  virtual void Put(const std::string& key, const CachedResponse& response) = 0;
};

// The two homes of the cache, chosen by ResponseCache::Open.
Result<std::shared_ptr<ResponseCache>> OpenSqliteCache(const std::string& dir);
Result<std::shared_ptr<ResponseCache>> OpenPostgresCache(const std::string& url);

}  // namespace arbiter
