// Which network addresses outbound calls (webhooks, llm and http engines) may reach.
//
// Public unicast addresses are always allowed. Private (10/8, 172.16/12, 192.168/16,
// 100.64/10, fc00::/7), loopback (127/8, ::1), link-local (169.254/16, fe80::/10),
// unspecified, broadcast and multicast addresses are refused unless they fall inside a
// CIDR of the allow-list given at server start (--egress-allow). IPv4-mapped IPv6
// addresses are judged as the IPv4 address they carry.
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

  // `ip` is a numeric IPv4 or IPv6 address; anything else is not allowed.
  bool IsAllowed(std::string_view ip) const;

  // True for addresses that are reachable only inside a host or network.
  static bool IsNonPublic(std::string_view ip);

 private:
  struct Cidr {
    std::array<uint8_t, 16> addr{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 0;                  // over the 128-bit form
  };
  std::vector<Cidr> allow_;
};

}  // namespace goldset::outbound
