// An order-independent hash of a multiset of strings that is updated in O(1) per
// element added or removed (docs/evaluation.md § Set versions: an evaluation set's
// contentHash).
//
// Each element e maps to a 2048-bit number H(e): the 256 bytes SHA-256(e ":0") …
// SHA-256(e ":7") read as one big-endian integer. The state is the sum of H(e) over the
// multiset modulo 2^2048 (additive multiset hashing, "AdHash"); Digest() is the lowercase
// hex SHA-256 of the state's 256 big-endian bytes. Adding then removing an element gives
// the state back exactly; equal multisets give equal states whatever the order.
// Collision resistance: finding two multisets with one sum is a k-sum problem on
// 2048-bit numbers (about 2^90 work by Wagner's algorithm), which is why the sum is far
// wider than the 256-bit digest.
// Not thread-safe; a value type.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace goldset {

class MultisetHash {
 public:
  static constexpr size_t kBytes = 256;
  MultisetHash() { limbs_.fill(0); }
  // The state as 512 lowercase hex chars (how it is stored), and back.
  static StatusOr<MultisetHash> FromHex(std::string_view hex);
  std::string Hex() const;

  void Add(std::string_view element);
  void Remove(std::string_view element);
  // Lowercase hex SHA-256 of the state's big-endian bytes.
  std::string Digest() const;

  bool operator==(const MultisetHash& o) const { return limbs_ == o.limbs_; }

 private:
  using Limbs = std::array<uint32_t, kBytes / 4>;  // little-endian limbs: [0] least significant
  static Limbs Expand(std::string_view element);
  std::string Bytes() const;  // big-endian
  Limbs limbs_;
};

}  // namespace goldset
