// Reproducible incompressible bytes for blob store tests.
#pragma once

#include <random>
#include <string>

namespace goldset::store::testing {

// `n` bytes from a generator seeded with `seed`: the same bytes for the same arguments.
inline std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

}  // namespace goldset::store::testing
