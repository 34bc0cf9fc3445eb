#include "outbound/egress_policy.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>

namespace goldset::outbound {

namespace {

using Addr16 = std::array<uint8_t, 16>;

// Parses a numeric address into the 128-bit IPv4-mapped form.
std::optional<Addr16> ToAddr16(std::string_view ip) {
  // inet_pton reads a C string: "8.8.8.8\0junk" would be judged as 8.8.8.8 (found by fuzz_egress).
  if (ip.find('\0') != std::string_view::npos) return std::nullopt;
  std::string s(ip);
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  Addr16 out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool IsV4Mapped(const Addr16& a) {
  for (int i = 0; i < 10; ++i)
    if (a[i] != 0) return false;
  return a[10] == 0xff && a[11] == 0xff;
}

bool PrefixMatch(const Addr16& a, const Addr16& net, int prefix) {
  for (int bit = 0; bit < prefix; ++bit) {
    int byte = bit / 8, shift = 7 - bit % 8;
    if (((a[byte] >> shift) & 1) != ((net[byte] >> shift) & 1)) return false;
  }
  return true;
}

bool NonPublic(const Addr16& a) {
  if (IsV4Mapped(a)) {
    uint8_t b0 = a[12], b1 = a[13];
    return b0 == 0 || b0 == 10 || b0 == 127 || (b0 == 169 && b1 == 254) ||
           (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168) ||
           (b0 == 100 && (b1 & 0xc0) == 64) || b0 >= 224;  // multicast, reserved, broadcast
  }
  Addr16 zero{};
  Addr16 loop{};
  loop[15] = 1;
  if (a == zero || a == loop) return true;
  if ((a[0] & 0xfe) == 0xfc) return true;                   // fc00::/7 unique local
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return true;   // fe80::/10 link-local
  if (a[0] == 0xff) return true;                            // multicast
  return false;
}

}  // namespace

StatusOr<EgressPolicy> EgressPolicy::Parse(std::string_view list) {
  EgressPolicy policy;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string_view item = list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      size_t slash = item.find('/');
      std::string_view ip = item.substr(0, slash);
      auto addr = ToAddr16(ip);
      if (!addr) return Status::InvalidArgument("egress allow-list entry '" + std::string(item) + "' is not an address/prefix");
      bool v4 = IsV4Mapped(*addr) && ip.find(':') == std::string_view::npos;
      int max = v4 ? 32 : 128;
      int prefix = max;
      if (slash != std::string_view::npos) {
        std::string p(item.substr(slash + 1));
        char* end = nullptr;
        long n = std::strtol(p.c_str(), &end, 10);
        if (p.empty() || *end != '\0' || n < 0 || n > max)
          return Status::InvalidArgument("egress allow-list entry '" + std::string(item) + "' has a bad prefix length");
        prefix = static_cast<int>(n);
      }
      policy.allow_.push_back(Cidr{*addr, v4 ? prefix + 96 : prefix});
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return policy;
}

bool EgressPolicy::IsNonPublic(std::string_view ip) {
  auto a = ToAddr16(ip);
  return !a || NonPublic(*a);
}

bool EgressPolicy::IsAllowed(std::string_view ip) const {
  auto a = ToAddr16(ip);
  if (!a) return false;
  for (const Cidr& c : allow_)
    if (PrefixMatch(*a, c.addr, c.prefix)) return true;
  return !NonPublic(*a);
}

}  // namespace goldset::outbound
