// Hashes and MACs (OpenSSL). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace goldset {

std::string Sha256(std::string_view data);     // 32 raw bytes
std::string Sha256Hex(std::string_view data);  // 64 lowercase hex chars
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// Constant-time equality for secrets.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

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
