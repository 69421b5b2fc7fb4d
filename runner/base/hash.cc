#include "runner/base/hash.h"

#include <xxhash.h>

namespace arbiter {

uint64_t Hash64(std::string_view text, uint64_t seed) {
  return XXH3_64bits_withSeed(text.data(), text.size(), seed);
}

}  // namespace arbiter
