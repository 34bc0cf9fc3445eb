#include "common/ids.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "common/encoding.h"
#include "common/rng.h"

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

namespace {

Rng SeededGenerator() {
  uint64_t state[4] = {};
  do {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(state), sizeof state) != 1)
      throw std::runtime_error("CSPRNG failure");
  } while ((state[0] | state[1] | state[2] | state[3]) == 0);
  return Rng(state);
}

}  // namespace

std::string NewRequestId() {
  thread_local Rng gen = SeededGenerator();
  uint64_t words[2] = {gen.Next(), gen.Next()};
  char bytes[16];
  std::memcpy(bytes, words, sizeof bytes);
  return "req_" + Base64UrlEncode(std::string_view(bytes, sizeof bytes));
}

}  // namespace goldset
