#include "common/ids.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "common/encoding.h"

namespace goldset {

std::string RandomToken(int n_bytes) {
  std::vector<unsigned char> buf(static_cast<size_t>(n_bytes));
  if (RAND_bytes(buf.data(), n_bytes) != 1) throw std::runtime_error("CSPRNG failure");
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

std::string NewId(std::string_view prefix) {
  // 16 random bytes -> 22 base64url characters (128 bits of entropy).
  return std::string(prefix) + RandomToken(16);
}

}  // namespace goldset
