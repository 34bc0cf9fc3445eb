// The rules for request headers a tenant configures on outbound calls: webhook
// `advancedOptions.headers` and the http engine's `engine.headers`. One definition, so
// the two can never drift apart (audit F17).
//
// A configured header may not be one the server or the HTTP framing owns (Host,
// Content-Length, Transfer-Encoding, Connection, Content-Type, Expect, User-Agent, TE,
// Upgrade, Keep-Alive, Trailer, Proxy-*, and x-extend-* which carries webhook signatures),
// its name must be an RFC 9110 token, and its value UTF-8 of at most 4096 bytes without
// CR, LF or NUL (which would inject further headers). At most kMaxConfiguredHeaders.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace goldset::outbound {

inline constexpr size_t kMaxConfiguredHeaders = 20;
inline constexpr size_t kMaxConfiguredHeaderValueBytes = 4096;

// Why `name: value` may not be configured, as a phrase that follows the header's name
// ("is set by the server and cannot be configured", "contains a line break or NUL", ...);
// nullopt when it may.
std::optional<std::string> ConfiguredHeaderProblem(std::string_view name, std::string_view value);

}  // namespace goldset::outbound
