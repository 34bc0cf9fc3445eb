// Which network addresses outbound calls (webhooks, llm and http engines) may reach.
//
// Public unicast addresses are allowed. Everything reachable only inside a host or a
// network, or reserved, is refused unless it falls inside a CIDR of the allow-list given
// at server start (--egress-allow):
//   IPv4: 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24,
//         192.88.99/24, 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4, 240/4.
//   IPv6: fc00::/7, fe80::/10, fec0::/10 (site-local), ff00::/8, 64:ff9b:1::/48 (local-use
//         NAT64), 100::/64, 2001:2::/48, 2001:10::/28, 2001:20::/28, 2001:db8::/32, 3fff::/20.
// An IPv6 address that carries an IPv4 address is judged as that IPv4 address (and any
// other it carries): IPv4-mapped ::ffff:a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d,
// IPv4-compatible ::a.b.c.d (so :: and ::1), NAT64 64:ff9b::a.b.c.d, 6to4 2002:AABB:CCDD::,
// and Teredo 2001:0:SSSS:SSSS::CCCC:CCCC (server and de-obfuscated client address). So a
// NAT64 address of a public host works on an IPv6-only network, while 64:ff9b::7f00:1
// (loopback behind the gateway) is refused. The allow-list matches the address as given:
// 127.0.0.1/32 also allows ::ffff:127.0.0.1 (the same socket address), not 64:ff9b::7f00:1.
//
// Thread-safety: immutable after Parse; share freely.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace goldset::outbound {

class EgressPolicy {
 public:
  // An empty allow-list: only public addresses.
  EgressPolicy() = default;

  // "127.0.0.1/32,10.0.0.0/8,::1/128"; empty string -> empty allow-list. A bare address
  // means a single host. Malformed entries -> InvalidArgument naming the entry.
  static StatusOr<EgressPolicy> Parse(std::string_view comma_separated_cidrs);

  // `ip` is a numeric IPv4 or IPv6 address (brackets allowed); anything else is not allowed.
  bool IsAllowed(std::string_view ip) const;

  // True for addresses the policy refuses unless allow-listed (see above); also for
  // anything that is not a numeric address.
  static bool IsNonPublic(std::string_view ip);

 private:
  struct Cidr {
    std::array<uint8_t, 16> addr{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 0;                  // over the 128-bit form
  };
  std::vector<Cidr> allow_;
};

}  // namespace goldset::outbound
