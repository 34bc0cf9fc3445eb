// Hashes and MACs (OpenSSL). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace goldset {

std::string Sha256(std::string_view data);                            // 32 raw bytes
std::string Sha256Hex(std::string_view data);                         // 64 lowercase hex chars
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// Constant-time equality for secrets.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// HMAC-SHA256 under one fixed key, for hot paths (presigned URLs on every file read):
// the padded key's SHA-256 states are computed once, so a signature costs two short
// SHA-256 passes. Thread-safe; Sign is const.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;
  std::string SignHex(std::string_view data) const;  // equals HmacSha256Hex(key, data)

 private:
  void* md_;     // EVP_MD*, fetched once
  void* inner_;  // EVP_MD_CTX* after absorbing key ^ ipad
  void* outer_;  // EVP_MD_CTX* after absorbing key ^ opad
};

// Incremental SHA-256 for streamed data. Not thread-safe; one per stream.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view data);
  std::string FinishHex();

 private:
  void* ctx_;
};

}  // namespace goldset
