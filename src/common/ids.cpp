#include "common/ids.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstring>
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

namespace {

// xoshiro256** (Blackman & Vigna): 256 bits of state, period 2^256 - 1.
struct Xoshiro256 {
  uint64_t s[4];
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t Next() {
    uint64_t result = Rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = Rotl(s[3], 45);
    return result;
  }
};

Xoshiro256 SeededGenerator() {
  Xoshiro256 g{};
  do {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(g.s), sizeof g.s) != 1) throw std::runtime_error("CSPRNG failure");
  } while ((g.s[0] | g.s[1] | g.s[2] | g.s[3]) == 0);
  return g;
}

}  // namespace

std::string NewRequestId() {
  thread_local Xoshiro256 gen = SeededGenerator();
  uint64_t words[2] = {gen.Next(), gen.Next()};
  char bytes[16];
  std::memcpy(bytes, words, sizeof bytes);
  return "req_" + Base64UrlEncode(std::string_view(bytes, sizeof bytes));
}

}  // namespace goldset
