// Secrets without a well-known prefix: long random-looking tokens (API keys, session secrets,
// signing keys), told apart from the long strings of ordinary traces (identifiers, paths, hex
// digests, UUIDs, API object ids) by their character statistics.
#pragma once

#include <string_view>

namespace arbiter {

// Candidates shorter than this are not considered: at 24 characters a random base62 token
// already carries ~140 bits, while shorter random-looking strings are mostly ids and codes.
inline constexpr size_t kMinSecretLength = 24;

// Shannon entropy of the bytes of `text`, in bits per character.
double ShannonEntropy(std::string_view text);

// The share of `text` in word-like runs: a capital and 3+ lower-case letters, 3+ lower-case
// letters, or 4+ capitals ("getUserAccount2024" has 0.78, "xK9mQ2pL7vN4rT8w" none).
double WordCoverage(std::string_view text);

// A token of base64 / base64url characters (trailing '=' allowed) that reads as a secret: at
// least kMinSecretLength characters with upper case, lower case and digits, not all hex (sha256
// and git digests, UUIDs, hex ids stay), not an absolute path, not an API object id
// ("chatcmpl-", "call_", "msg_", "toolu_", ...), Shannon entropy >= 3.5 bits per character and a
// word coverage below 0.6. Thresholds and their measurements: redact_secret_checks.cc.
bool IsHighEntropySecret(std::string_view candidate);

}  // namespace arbiter
