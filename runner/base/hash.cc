#include "runner/base/hash.h"

#include <new>

#include <xxhash.h>

#include "runner/base/sha256.h"

namespace arbiter {

uint64_t Hash64(std::string_view text, uint64_t seed) {
  return XXH3_64bits_withSeed(text.data(), text.size(), seed);
}

SpanDigest::SpanDigest() : state_(XXH3_createState()) {
  if (!state_) throw std::bad_alloc();
  XXH3_128bits_reset(state_.get());
}
SpanDigest::~SpanDigest() = default;
SpanDigest::SpanDigest(SpanDigest&&) noexcept = default;
SpanDigest& SpanDigest::operator=(SpanDigest&&) noexcept = default;

void SpanDigest::Free::operator()(XXH3_state_s* state) const { XXH3_freeState(state); }

void SpanDigest::Update(std::string_view text) {
  XXH3_128bits_update(state_.get(), text.data(), text.size());
}

std::string SpanDigest::Hex() const {
  XXH128_canonical_t canonical;  // big-endian, high 64 bits first
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state_.get()));
  return DigestHex(canonical.digest, sizeof canonical.digest);
}

}  // namespace arbiter
