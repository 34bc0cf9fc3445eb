// libFuzzer target: the egress address classifier (outbound/egress_policy.h).
// Input: an address or an allow-list.
// Checks: an IPv4 address and its IPv4-mapped IPv6 form are judged alike; nothing that
// is not a numeric address is ever allowed; a parsed allow-list allows its own bare
// addresses.
#include <arpa/inet.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "outbound/egress_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using goldset::outbound::EgressPolicy;
  std::string s(reinterpret_cast<const char*>(data), size);
  const bool non_public = EgressPolicy::IsNonPublic(s);
  EgressPolicy empty;
  const bool allowed = empty.IsAllowed(s);
  // The classifier also takes a bracketed IPv6 literal ("[::1]", as in a URL).
  std::string bare = s.size() > 2 && s.front() == '[' && s.back() == ']' ? s.substr(1, s.size() - 2) : s;
  unsigned char buf[16];
  const bool v4 = bare.find('\0') == std::string::npos && inet_pton(AF_INET, bare.c_str(), buf) == 1;
  const bool v6 = bare.find('\0') == std::string::npos && inet_pton(AF_INET6, bare.c_str(), buf) == 1;
  if (!v4 && !v6 && allowed) std::abort();
  if (v4 && bare == s &&
      (EgressPolicy::IsNonPublic("::ffff:" + s) != non_public || empty.IsAllowed("::ffff:" + s) != allowed))
    std::abort();
  auto policy = EgressPolicy::Parse(bare);
  if (policy.ok() && (v4 || v6) && !policy->IsAllowed(s)) std::abort();
  return 0;
}
