#include "outbound/egress_policy.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>
#include <utility>
#include <vector>

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

uint32_t V4At(const Addr16& a, int at) {
  return uint32_t{a[at]} << 24 | uint32_t{a[at + 1]} << 16 | uint32_t{a[at + 2]} << 8 | a[at + 3];
}

bool NonPublicV4(uint32_t v4) {
  struct Net {
    uint32_t net;
    int prefix;
  };
  static constexpr Net kRefused[] = {
      {0x00000000, 8},  {0x0a000000, 8},  {0x64400000, 10}, {0x7f000000, 8},  {0xa9fe0000, 16},
      {0xac100000, 12}, {0xc0000000, 24}, {0xc0000200, 24}, {0xc0586300, 24}, {0xc0a80000, 16},
      {0xc6120000, 15}, {0xc6336400, 24}, {0xcb007100, 24}, {0xe0000000, 4},  {0xf0000000, 4},
  };
  for (const Net& n : kRefused)
    if ((v4 >> (32 - n.prefix)) == (n.net >> (32 - n.prefix))) return true;
  return false;
}

// IPv6 ranges refused whatever follows the prefix.
bool InRefusedV6Range(const Addr16& a) {
  struct Net {
    Addr16 net;
    int prefix;
  };
  static const std::vector<Net> kRefused = [] {
    std::vector<Net> out;
    for (auto [text, prefix] : {std::pair{"fc00::", 7},
                                {"fe80::", 10},
                                {"fec0::", 10},
                                {"ff00::", 8},
                                {"64:ff9b:1::", 48},
                                {"100::", 64},
                                {"2001:2::", 48},
                                {"2001:10::", 28},
                                {"2001:20::", 28},
                                {"2001:db8::", 32},
                                {"3fff::", 20}}) {
      Net n{{}, prefix};
      inet_pton(AF_INET6, text, n.net.data());
      out.push_back(n);
    }
    return out;
  }();
  for (const Net& n : kRefused)
    if (PrefixMatch(a, n.net, n.prefix)) return true;
  return false;
}

// The IPv4 addresses an IPv6 address carries (mapped, translated, compatible, NAT64
// well-known prefix, 6to4, Teredo); empty for a plain IPv6 address.
std::vector<uint32_t> EmbeddedV4(const Addr16& a) {
  auto zero = [&](int from, int to) {
    for (int i = from; i < to; ++i)
      if (a[i] != 0) return false;
    return true;
  };
  if (zero(0, 10) && a[10] == 0xff && a[11] == 0xff) return {V4At(a, 12)};               // ::ffff:a.b.c.d
  if (zero(0, 8) && a[8] == 0xff && a[9] == 0xff && zero(10, 12)) return {V4At(a, 12)};  // ::ffff:0:a.b.c.d
  if (zero(0, 12)) return {V4At(a, 12)};                                                 // ::a.b.c.d
  if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && zero(4, 12)) return {V4At(a, 12)};
  if (a[0] == 0x20 && a[1] == 0x02) return {V4At(a, 2)};                                          // 6to4
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0) return {V4At(a, 4), ~V4At(a, 12)};  // Teredo
  return {};
}

bool NonPublic(const Addr16& a) {
  if (InRefusedV6Range(a)) return true;
  for (uint32_t v4 : EmbeddedV4(a))
    if (NonPublicV4(v4)) return true;
  return false;
}

}  // namespace

StatusOr<EgressPolicy> EgressPolicy::Parse(std::string_view list) {
  EgressPolicy policy;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string_view item =
        list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      size_t slash = item.find('/');
      std::string_view ip = item.substr(0, slash);
      auto addr = ToAddr16(ip);
      if (!addr)
        return Status::InvalidArgument("egress allow-list entry '" + std::string(item) + "' is not an address/prefix");
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
