// The one hash that maps keys to buckets, priorities and splits: the sampler's priority of a
// trace (seeded), triage's tie-break and session hashes, the held-out split of the threshold
// search, and the hash tables keyed by text. XXH3 (64-bit, libxxhash): the same value on every
// platform and release, as a reported sample or split needs (std::hash promises neither), well
// mixed even for keys that differ in their last character (t-000128, t-000129), and fast on
// whole traces (1-3% of the sampler's CPU, docs/PERFORMANCE.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct XXH3_state_s;

namespace arbiter {

// XXH3_64bits_withSeed(text, seed); with seed 0 that is XXH3_64bits(text). Values are part of
// the outputs (samples, splits, queue order): never change them.
uint64_t Hash64(std::string_view text, uint64_t seed = 0);

// For unordered containers keyed by strings that string_views look up without building a string
// (is_transparent). Iteration order follows the hash: an output must not depend on it.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return static_cast<size_t>(Hash64(text)); }
};

// XXH3-128 over text given in pieces, as 32 hex digits: a partial run's digest of its row spans
// (shard.json), which `arbiter merge` checks so that a row edited after the run, even to the same
// length, is refused. It detects accidents, not forgeries (whoever can edit a row can edit
// shard.json too), so a fast hash will do where the input hash needs SHA-256.
class SpanDigest {
 public:
  SpanDigest();
  ~SpanDigest();
  SpanDigest(SpanDigest&&) noexcept;
  SpanDigest& operator=(SpanDigest&&) noexcept;

  void Update(std::string_view text);
  std::string Hex() const;

 private:
  struct Free {
    void operator()(XXH3_state_s* state) const;
  };
  std::unique_ptr<XXH3_state_s, Free> state_;
};

}  // namespace arbiter
