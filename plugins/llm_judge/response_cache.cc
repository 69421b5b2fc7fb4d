#include "plugins/llm_judge/response_cache.h"

#include <filesystem>
#include <map>
#include <mutex>

#include "runner/base/db_url.h"

namespace arbiter {

Result<std::shared_ptr<ResponseCache>> ResponseCache::Open(const std::string& location) {
  if (IsPostgresUrl(location)) return OpenPostgresCache(location);
  return OpenSqliteCache(location);
}

Result<std::shared_ptr<ResponseCache>> ResponseCache::Shared(const std::string& location) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<ResponseCache>> caches;
  std::lock_guard lock(mutex);
  std::string key = IsPostgresUrl(location)
                        ? location
                        : std::filesystem::absolute(location).lexically_normal().string();
  if (auto cache = caches[key].lock()) return cache;
  auto cache = Open(location);
  if (cache.ok()) caches[key] = *cache;
  return cache;
}

}  // namespace arbiter
