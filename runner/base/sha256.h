// Incremental SHA-256 (OpenSSL's EVP), for the input and label-set hashes in reports.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace arbiter {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // Lowercase hex digest of everything passed to Update so far; Update may continue after.
  std::string Hex() const;

 private:
  void* context_;  // EVP_MD_CTX
};

// The digest of a whole byte string.
std::string Sha256Hex(std::string_view bytes);

// `size` bytes of a digest as lowercase hex, as sha256sum prints them.
std::string DigestHex(const unsigned char* digest, size_t size);

}  // namespace arbiter
