// The judge's persistent response cache: SQLite at DIR/judge-cache.sqlite3, keyed by a hash of
// everything that can change an answer (provider, model, rubric id and version, the rendered
// prompt, the sampling parameters, the sample index). Only answers that parsed are stored, and
// never a request header, so no API key reaches the file. Thread-safe (one connection, one lock).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "runner/base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace arbiter {

struct CachedResponse {
  std::string text;  // the model's answer
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
};

class ResponseCache {
 public:
  // Opens (creating) DIR/judge-cache.sqlite3.
  static Result<std::shared_ptr<ResponseCache>> Open(const std::filesystem::path& dir);
  // The cache for `dir` shared by every evaluator of the process.
  static Result<std::shared_ptr<ResponseCache>> Shared(const std::filesystem::path& dir);
  ~ResponseCache();

  std::optional<CachedResponse> Get(const std::string& key);
  void Put(const std::string& key, const CachedResponse& response);

 private:
  ResponseCache() = default;
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* get_ = nullptr;
  sqlite3_stmt* put_ = nullptr;
};

}  // namespace arbiter
