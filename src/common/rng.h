// Rng: xoshiro256** (Blackman & Vigna), a fast PRNG with 256 bits of state. Not
// cryptographic: seed it from the CSPRNG where outputs must not collide across processes.
// Thread-safety: none; one per thread (or per computation).
#pragma once

#include <cstdint>

namespace goldset {

class Rng {
 public:
  // State expanded from `seed` through splitmix64: the same seed, the same sequence.
  explicit Rng(uint64_t seed);
  // State taken as given. REQUIRES: not all zero.
  explicit Rng(const uint64_t (&state)[4]);
  uint64_t Next();
  // Uniform in [0, n), unbiased (Lemire's multiply-and-reject). REQUIRES: n > 0.
  uint64_t Below(uint64_t n);

 private:
  uint64_t s_[4];
};

}  // namespace goldset
