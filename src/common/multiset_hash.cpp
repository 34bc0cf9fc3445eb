#include "common/multiset_hash.h"

#include "common/crypto.h"

namespace goldset {

MultisetHash::Limbs MultisetHash::Expand(std::string_view element) {
  std::string bytes;
  bytes.reserve(kBytes);
  for (int k = 0; k < 8; ++k) bytes += Sha256(std::string(element) + ":" + std::to_string(k));
  Limbs out;
  for (size_t i = 0; i < out.size(); ++i) {
    // Limb i holds big-endian bytes [kBytes - 4(i+1), kBytes - 4i).
    const size_t at = kBytes - 4 * (i + 1);
    out[i] = (uint32_t{static_cast<uint8_t>(bytes[at])} << 24) | (uint32_t{static_cast<uint8_t>(bytes[at + 1])} << 16) |
             (uint32_t{static_cast<uint8_t>(bytes[at + 2])} << 8) | uint32_t{static_cast<uint8_t>(bytes[at + 3])};
  }
  return out;
}

void MultisetHash::Add(std::string_view element) {
  const Limbs e = Expand(element);
  uint64_t carry = 0;
  for (size_t i = 0; i < limbs_.size(); ++i) {
    const uint64_t sum = uint64_t{limbs_[i]} + e[i] + carry;
    limbs_[i] = static_cast<uint32_t>(sum);
    carry = sum >> 32;
  }
}

void MultisetHash::Remove(std::string_view element) {
  const Limbs e = Expand(element);
  uint64_t borrow = 0;
  for (size_t i = 0; i < limbs_.size(); ++i) {
    const uint64_t sub = uint64_t{e[i]} + borrow;
    borrow = limbs_[i] < sub ? 1 : 0;
    limbs_[i] = static_cast<uint32_t>(uint64_t{limbs_[i]} + (borrow << 32) - sub);
  }
}

std::string MultisetHash::Bytes() const {
  std::string out(kBytes, '\0');
  for (size_t i = 0; i < limbs_.size(); ++i) {
    const size_t at = kBytes - 4 * (i + 1);
    out[at] = static_cast<char>(limbs_[i] >> 24);
    out[at + 1] = static_cast<char>(limbs_[i] >> 16);
    out[at + 2] = static_cast<char>(limbs_[i] >> 8);
    out[at + 3] = static_cast<char>(limbs_[i]);
  }
  return out;
}

std::string MultisetHash::Hex() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * kBytes);
  for (unsigned char c : Bytes()) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

StatusOr<MultisetHash> MultisetHash::FromHex(std::string_view hex) {
  if (hex.size() != 2 * kBytes) return Status::Internal("a multiset hash state is 512 hex characters");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string bytes(kBytes, '\0');
  for (size_t i = 0; i < kBytes; ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::Internal("a multiset hash state is lowercase hex");
    bytes[i] = static_cast<char>(hi << 4 | lo);
  }
  MultisetHash h;
  for (size_t i = 0; i < h.limbs_.size(); ++i) {
    const size_t at = kBytes - 4 * (i + 1);
    h.limbs_[i] = (uint32_t{static_cast<uint8_t>(bytes[at])} << 24) |
                  (uint32_t{static_cast<uint8_t>(bytes[at + 1])} << 16) |
                  (uint32_t{static_cast<uint8_t>(bytes[at + 2])} << 8) | uint32_t{static_cast<uint8_t>(bytes[at + 3])};
  }
  return h;
}

std::string MultisetHash::Digest() const { return Sha256Hex(Bytes()); }

}  // namespace goldset
